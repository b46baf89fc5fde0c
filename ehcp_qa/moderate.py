"""Moderation: read reviewers' answers back from an audit workbook and measure agreement with the tool.

Reports the share of findings reviewers agreed with (Yes / Partly / No), Cohen's kappa between the tool's grades
and the reviewers' agreed grades (for sections and for whole plans), and the rules reviewers disagree with most,
so a QA group can see where people and the tool differ and tune the rules.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from ehcp_qa.errors import InputError
from ehcp_qa.report.xlsx import AGREE_CHOICES, AGREED_GRADE, AGREES, ROW_ID, parse_row_id
from ehcp_qa.score import GRADE_ORDER

_HEADER_SEARCH_ROWS = 10  # the audit sheet's header row is near the top


@dataclass(frozen=True)
class GradeAgreement:
    """Tool grade against agreed grade over the rows a reviewer graded."""

    pairs: tuple[tuple[str, str], ...]  # (tool grade, agreed grade)

    @property
    def compared(self) -> int:
        return len(self.pairs)

    @property
    def same(self) -> int:
        return sum(tool == agreed for tool, agreed in self.pairs)

    @property
    def kappa(self) -> float | None:
        return cohens_kappa(self.pairs)

    def to_dict(self) -> dict[str, object]:
        matrix = Counter(self.pairs)
        return {
            "compared": self.compared,
            "same_grade": self.same,
            "kappa": _rounded(self.kappa),
            "matrix": [{"tool": t, "agreed": a, "count": n} for (t, a), n in sorted(matrix.items())],
        }


@dataclass(frozen=True)
class RuleAgreement:
    rule: str
    answers: Counter[str]  # Yes / Partly / No -> count

    @property
    def reviewed(self) -> int:
        return sum(self.answers.values())

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "reviewed": self.reviewed, **{a.lower(): self.answers[a] for a in AGREE_CHOICES}}


@dataclass(frozen=True)
class ModerationReport:
    file: str
    sheets: int  # audit sheets read
    findings: int  # finding rows in them
    answers: Counter[str]  # Yes / Partly / No over all findings
    sections: GradeAgreement
    plans: GradeAgreement
    rules: tuple[RuleAgreement, ...]  # most disagreed with first; only rules with a No or Partly
    unrecognised: int = 0  # answers that were not one of the drop-down's choices

    @property
    def reviewed(self) -> int:
        return sum(self.answers.values())

    def share(self, answer: str) -> float | None:
        return self.answers[answer] / self.reviewed if self.reviewed else None

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": "ehcp-qa-moderation/1",
            "file": self.file,
            "audit_sheets": self.sheets,
            "findings": self.findings,
            "findings_reviewed": self.reviewed,
            "answers": {a.lower(): self.answers[a] for a in AGREE_CHOICES},
            "shares": {a.lower(): _rounded(self.share(a)) for a in AGREE_CHOICES},
            "section_grades": self.sections.to_dict(),
            "plan_grades": self.plans.to_dict(),
            "rules_disagreed": [rule.to_dict() for rule in self.rules],
            "unrecognised_answers": self.unrecognised,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def to_text(self) -> str:
        lines = [f"Moderation of {self.file}: {self.sheets} audit sheets, {self.findings} findings"]
        if self.reviewed:
            shares = ", ".join(f"{a} {self.answers[a]} ({self.share(a):.0%})" for a in AGREE_CHOICES)
            lines.append(f"Findings reviewed: {self.reviewed} of {self.findings}. Reviewer agrees: {shares}")
        else:
            lines.append("No finding has a reviewer's answer yet.")
        lines += _grade_lines("Section grades", self.sections) + _grade_lines("Plan grades", self.plans)
        if self.rules:
            lines.append("Rules reviewers disagree with most (No, Partly, of reviewed):")
            lines += [
                f"  {r.rule}: No {r.answers['No']}, Partly {r.answers['Partly']}, of {r.reviewed}" for r in self.rules
            ]
        if self.unrecognised:
            lines.append(f"{self.unrecognised} answers were not one of the drop-down's choices and were left out.")
        return "\n".join(lines) + "\n"


def _grade_lines(label: str, agreement: GradeAgreement) -> list[str]:
    if not agreement.compared:
        return [f"{label}: no agreed grades yet."]
    kappa = agreement.kappa
    kappa_text = f"Cohen's kappa {kappa:.2f}" if kappa is not None else "kappa undefined (one grade throughout)"
    return [f"{label}: {agreement.same} of {agreement.compared} the same; {kappa_text}"]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def cohens_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two raters: (observed - chance agreement) / (1 - chance agreement).

    None when chance agreement is 1 (both raters gave one and the same grade throughout), where it is undefined.
    """
    if not pairs:
        return None
    total = len(pairs)
    observed = sum(first == second for first, second in pairs) / total
    first_counts = Counter(first for first, _ in pairs)
    second_counts = Counter(second for _, second in pairs)
    chance = sum(first_counts[c] * second_counts[c] for c in first_counts) / (total * total)
    if chance == 1:
        return None
    return (observed - chance) / (1 - chance)


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Row:
    kind: str
    rule: str
    tool_grade: str
    agrees: str | None
    agreed_grade: str | None


def moderate_workbook(path: Path) -> ModerationReport:
    """Read the reviewer columns of an `ehcp-qa audit` workbook and measure agreement with the tool."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InputError(f"{path}: not an Excel workbook (.xlsx)") from None
    try:
        sheets = [rows for rows in (_audit_rows(sheet) for sheet in workbook.worksheets) if rows is not None]
    finally:
        workbook.close()
    if not sheets:
        raise InputError(f"{path}: no audit sheets found; was it written by `ehcp-qa audit`?")
    rows = [row for sheet in sheets for row in sheet]
    return summarise(path.name, len(sheets), rows)


def summarise(file: str, sheets: int, rows: Sequence[_Row]) -> ModerationReport:
    findings = [row for row in rows if row.kind == "finding"]
    answers: Counter[str] = Counter()
    by_rule: dict[str, Counter[str]] = {}
    unrecognised = 0
    for row in findings:
        if row.agrees is None:
            continue
        if row.agrees not in AGREE_CHOICES:
            unrecognised += 1
            continue
        answers[row.agrees] += 1
        by_rule.setdefault(row.rule, Counter())[row.agrees] += 1
    unrecognised += sum(row.agreed_grade == "" for row in rows)
    disagreed = [RuleAgreement(rule, counts) for rule, counts in by_rule.items() if counts["No"] + counts["Partly"]]
    disagreed.sort(key=lambda r: (-r.answers["No"], -r.answers["Partly"], r.rule))
    return ModerationReport(
        file=file,
        sheets=sheets,
        findings=len(findings),
        answers=answers,
        sections=GradeAgreement(_grade_pairs(rows, "section")),
        plans=GradeAgreement(_grade_pairs(rows, "overall")),
        rules=tuple(disagreed),
        unrecognised=unrecognised,
    )


def _grade_pairs(rows: Iterable[_Row], kind: str) -> tuple[tuple[str, str], ...]:
    return tuple((r.tool_grade, r.agreed_grade) for r in rows if r.kind == kind and r.tool_grade and r.agreed_grade)


def _audit_rows(sheet: Worksheet) -> list[_Row] | None:
    """The identified rows of one audit sheet, or None when the sheet is not an audit sheet."""
    rows = sheet.iter_rows(values_only=True)
    columns = _find_header(rows)
    if columns is None:
        return None
    return list(_read_rows(rows, columns))


def _find_header(rows: Iterator[tuple[object, ...]]) -> dict[str, int] | None:
    for _ in range(_HEADER_SEARCH_ROWS):
        row = next(rows, None)
        if row is None:
            return None
        headers = {str(value).strip(): n for n, value in enumerate(row) if value is not None}
        if all(name in headers for name in (ROW_ID, AGREES, AGREED_GRADE)):
            return headers
    return None


def _read_rows(rows: Iterable[tuple[object, ...]], columns: dict[str, int]) -> Iterator[_Row]:
    for values in rows:
        identity = parse_row_id(_cell(values, columns[ROW_ID]))
        if identity is None:
            continue
        yield _Row(
            kind=identity["kind"],
            rule=identity["rule"],
            tool_grade=identity["grade"],
            agrees=_choice(_cell(values, columns[AGREES]), AGREE_CHOICES),
            agreed_grade=_choice(_cell(values, columns[AGREED_GRADE]), GRADE_ORDER),
        )


def _cell(values: Sequence[object], column: int) -> object:
    return values[column] if column < len(values) else None


def _choice(value: object, choices: Iterable[str]) -> str | None:
    """The choice a cell holds, matched without regard to case or spaces; None if blank; "" if unrecognised."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    return next((choice for choice in choices if choice.lower() == text.lower()), "")
