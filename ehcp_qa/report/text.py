"""Plain-text reports for a terminal: findings grouped by section, in words a caseworker uses."""

from __future__ import annotations

import textwrap
from collections import Counter

from ehcp_qa.model import SECTION_IDS, SECTION_NAMES, Finding, Plan
from ehcp_qa.pipeline import CheckResult

WIDTH = 100
PREVIEW_WORDS = 12


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _section_order(plan: Plan, findings: tuple[Finding, ...]) -> list[str | None]:
    """Sections in the plan's order, then any statutory section only a finding names, then whole-plan ones."""
    order: list[str | None] = list(plan.section_ids)
    order += [s for s in (*SECTION_IDS, "H") if s not in order and any(f.section == s for f in findings)]
    return [*order, None]


def _finding_lines(finding: Finding) -> list[str]:
    quote = f' "{finding.evidence}"' if finding.evidence else ""
    lines = [_wrap(f"{finding.severity:<7} {finding.rule}{quote}: {finding.message}", "  ")]
    if finding.suggestion:
        lines.append(_wrap(f"Suggestion: {finding.suggestion}", "          "))
    return lines


def render_text(result: CheckResult) -> str:
    plan, findings, score = result.plan, result.findings, result.score
    severities = Counter(str(f.severity) for f in findings)
    counted = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in sorted(severities.items()))
    lines = [
        f"{plan.path}: {len(findings)} finding{'s' if len(findings) != 1 else ''}"
        + (f" ({counted})" if counted else ""),
        f"Overall grade: {score.grade} ({score.score:.0f}/100)",
    ]
    lines += [_wrap(reason, "  - ") for reason in score.caps]
    grades = {s.section: s for s in score.sections}
    titles = {s.id: s.title for s in plan.sections}
    for section_id in _section_order(plan, findings):
        in_section = [f for f in findings if f.section == section_id]
        if section_id is None:
            if in_section:
                lines += ["", "Whole plan"]
        else:
            grade = grades.get(section_id)
            title = titles.get(section_id, f"(missing) {SECTION_NAMES.get(section_id, '')}")
            heading = (
                f"[{section_id}] {title}"
                if f"section {section_id.lower()}" in title.lower()
                else (f"Section {section_id}: {title}")
            )
            lines += ["", heading + (f"  [{grade.grade}]" if grade else "")]
            if not in_section:
                lines.append("  no findings")
        for finding in in_section:
            lines += _finding_lines(finding)
    return "\n".join(lines) + "\n"


def render_sections(plan: Plan) -> str:
    """`ehcp-qa sections`: what was found where, with each section's first words."""
    lines = [f"{plan.path}: {len(plan.sections)} section{'s' if len(plan.sections) != 1 else ''} found"]
    meta = plan.metadata
    known = [
        f"{name}={value}" for name, value in (("year group", meta.year_group), ("age", meta.age)) if value is not None
    ]
    if known:
        lines.append("Plan states: " + ", ".join(known))
    for section in plan.sections:
        words = section.text.split()
        preview = " ".join(words[:PREVIEW_WORDS]) + (" ..." if len(words) > PREVIEW_WORDS else "")
        lines.append(f"{section.id:<3} {section.title}")
        lines.append(f"    {len(section.blocks)} blocks: {preview or '(empty)'}")
    missing = [s for s in SECTION_IDS if plan.section(s) is None]
    if missing:
        lines.append("Not found: " + ", ".join(missing))
    return "\n".join(lines) + "\n"
