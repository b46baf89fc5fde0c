"""The JSON report, schema "ehcp-qa/1" (documented in README.md: other tools build on it)."""

from __future__ import annotations

import json

from ehcp_qa.model import Plan, Score, Section
from ehcp_qa.pipeline import CheckResult

SCHEMA = "ehcp-qa/1"


def _section(section: Section) -> dict[str, object]:
    return {
        "id": section.id,
        "title": section.title,
        "text": section.text,
        "blocks": [{"text": b.text, "kind": b.kind, "location": b.location.to_dict()} for b in section.blocks],
    }


def _score(score: Score) -> dict[str, object]:
    return {
        "score": round(score.score, 1),
        "grade": str(score.grade),
        "reasons": list(score.reasons),
        "caps": list(score.caps),
        "sections": [
            {
                "section": s.section,
                "score": round(s.score, 1),
                "grade": str(s.grade),
                "reasons": list(s.reasons),
            }
            for s in score.sections
        ],
    }


def plan_to_dict(plan: Plan) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "file": plan.path,
        "kind": plan.kind,
        "page_count": plan.page_count,
        "metadata": plan.metadata.to_dict(),
        "sections": [_section(s) for s in plan.sections],
    }


def result_to_dict(result: CheckResult) -> dict[str, object]:
    data = plan_to_dict(result.plan)
    data["findings"] = [f.to_dict() for f in result.findings]
    data["score"] = _score(result.score)
    return data


def render_json(result: CheckResult) -> str:
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False)
