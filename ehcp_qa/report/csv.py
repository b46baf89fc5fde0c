"""The audit as flat data for Power BI or similar: a CSV row, or a JSON line, per plan.

Only grades, counts and rule codes: no plan text (evidence, titles, names) goes into a dashboard's data set.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from ehcp_qa.model import SECTION_IDS, Score
from ehcp_qa.score import CATEGORIES

if TYPE_CHECKING:
    from ehcp_qa.audit import AuditedPlan, AuditResult

JSONL_SCHEMA = "ehcp-qa-audit/1"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def section_grade(score: Score, section_id: str) -> str:
    """The grade of a section as a column shows it; H1 and H2 show an undivided H's grade; "" if not graded."""
    grades = {s.section: str(s.grade) for s in score.sections}
    if section_id in grades:
        return grades[section_id]
    return grades.get("H", "") if section_id in ("H1", "H2") else ""


def category_counts(plan: AuditedPlan) -> Counter[str]:
    return Counter(finding.category for finding in plan.result.findings)


def csv_header() -> list[str]:
    return [
        "file",
        "status",
        "reason",
        "stratum",
        "overall_grade",
        "overall_score",
        *(f"grade_{s}" for s in SECTION_IDS),
        *(f"count_{c}" for c in CATEGORIES),
        "findings_total",
    ]


def csv_rows(audit: AuditResult) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for plan in audit.plans:
        score = plan.result.score
        counts = category_counts(plan)
        row: dict[str, object] = {
            "file": plan.file,
            "status": "checked",
            "reason": "",
            "stratum": plan.stratum or "",
            "overall_grade": str(score.grade),
            "overall_score": score.score,
        }
        row |= {f"grade_{s}": section_grade(score, s) for s in SECTION_IDS}
        row |= {f"count_{c}": counts.get(c, 0) for c in CATEGORIES}
        row["findings_total"] = len(plan.result.findings)
        rows.append(row)
    rows += [{"file": u.file, "status": "unreadable", "reason": u.reason} for u in audit.unreadable]
    return rows


def write_csv(path: Path, audit: AuditResult) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # the BOM lets Excel see UTF-8
        writer = csv.DictWriter(handle, fieldnames=csv_header(), restval="")
        writer.writeheader()
        for row in csv_rows(audit):
            writer.writerow({key: _safe_cell(value) for key, value in row.items()})


def _safe_cell(value: object) -> object:
    """Stop a spreadsheet treating text (a file name) as a formula when the CSV is opened in Excel."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def jsonl_records(audit: AuditResult) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for plan in audit.plans:
        score = plan.result.score
        records.append(
            {
                "schema": JSONL_SCHEMA,
                "file": plan.file,
                "status": "checked",
                "stratum": plan.stratum,
                "grade": str(score.grade),
                "score": score.score,
                "caps": list(score.caps),
                "sections": {s.section: {"grade": str(s.grade), "score": s.score} for s in score.sections},
                "counts": dict(category_counts(plan)),
                "findings": [
                    {"rule": f.rule, "category": f.category, "section": f.section, "severity": str(f.severity)}
                    for f in plan.result.findings
                ],
            }
        )
    records += [
        {"schema": JSONL_SCHEMA, "file": u.file, "status": "unreadable", "reason": u.reason} for u in audit.unreadable
    ]
    return records


def write_jsonl(path: Path, audit: AuditResult) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in jsonl_records(audit):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
