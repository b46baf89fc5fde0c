"""SARIF 2.1.0, so code-scanning dashboards and editors that read linters' output can show ehcp-qa findings."""

from __future__ import annotations

import json

from ehcp_qa import __version__
from ehcp_qa.model import Severity
from ehcp_qa.pipeline import CheckResult

SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(result: CheckResult) -> str:
    rules = {f.rule: f for f in result.findings}
    run = {
        "tool": {
            "driver": {
                "name": "ehcp-qa",
                "version": __version__,
                "rules": [
                    {
                        "id": code,
                        "shortDescription": {"text": f.message},
                        "properties": {"category": f.category},
                    }
                    for code, f in sorted(rules.items())
                ],
            }
        },
        "results": [
            {
                "ruleId": f.rule,
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": result.plan.path}},
                        "logicalLocations": [{"name": f"Section {f.section}" if f.section else "Whole plan"}],
                        "properties": {
                            "evidence": f.evidence,
                            **(f.location.to_dict() if f.location else {}),
                        },
                    }
                ],
            }
            for f in result.findings
        ],
    }
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False)
