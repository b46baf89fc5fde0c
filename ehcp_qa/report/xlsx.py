"""The audit workbook: a Summary sheet for the manager and one audit sheet per plan for the reviewers.

Each audit sheet is laid out like council audit tools: a row per section with the criteria checked, the grade and
why, then a row per finding with its evidence quote, and reviewer columns (Reviewer agrees?, Reviewer comment,
Agreed grade) with drop-downs. A hidden "Row id" column names each row (what it is and the tool's grade) so
`ehcp-qa moderate` can read the reviewers' answers back even if rows are sorted or filtered.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ehcp_qa import __version__
from ehcp_qa.model import SECTION_IDS, Finding, Grade, Plan, Score
from ehcp_qa.report.csv import category_counts, section_grade
from ehcp_qa.score import CATEGORIES, CATEGORY_LABELS, GRADE_ORDER

if TYPE_CHECKING:
    from ehcp_qa.audit import AuditedPlan, AuditResult, Sampling

# Header texts that moderate.py looks for: change them together.
ROW_ID = "Row id"
AGREES = "Reviewer agrees?"
COMMENT = "Reviewer comment"
AGREED_GRADE = "Agreed grade"
AGREE_CHOICES = ("Yes", "Partly", "No")
ROW_ID_PREFIX = "ehcp-qa"

GRADE_FILLS: dict[str, str] = {
    Grade.OUTSTANDING: "63BE7B",
    Grade.GOOD: "C6EFCE",
    Grade.REQUIRES_IMPROVEMENT: "FFEB9C",
    Grade.INADEQUATE: "FFC7CE",
}
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
_UNUSED_FILL = PatternFill("solid", fgColor="F2F2F2")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_SHEET_NAME_LIMIT = 31
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
_CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell
_THEMES_SHOWN = 15
_LINE_HEIGHT = 15  # points per line of 11-point text
_MAX_ROW_HEIGHT = 409  # Excel's limit
_NOT_GRADED = "–"

# (header, width) of an audit sheet's columns, in order.
AUDIT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Section", 9),
    ("Section title", 24),
    ("Criteria checked", 36),
    ("Rule", 9),
    ("Severity", 9),
    ("Finding / why this grade", 46),
    ("Evidence (the plan's words)", 42),
    ("Suggestion", 36),
    ("Tool grade", 15),
    ("Score", 7),
    (AGREES, 11),
    (COMMENT, 34),
    (AGREED_GRADE, 18),
    (ROW_ID, 12),
)
_COL = {header: n + 1 for n, (header, _width) in enumerate(AUDIT_COLUMNS)}
_AUDIT_HEADER_ROW = 4


def write_workbook(out: Path, audit: AuditResult, criteria: Mapping[str, Sequence[str]]) -> None:
    """Write the audit workbook to `out`."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    sheet_names = unique_sheet_names([plan.file for plan in audit.plans])
    for plan, sheet_name in zip(audit.plans, sheet_names, strict=True):
        write_audit_sheet(workbook.create_sheet(sheet_name), plan, criteria)
    write_summary(summary, audit, sheet_names)
    workbook.save(out)


def unique_sheet_names(files: Sequence[str]) -> list[str]:
    """Sheet names Excel accepts: unique (ignoring case), at most 31 characters, none of []:*?/\\.

    Each starts with the plan's number, so names stay unique and never start or end with an apostrophe.
    """
    names: list[str] = []
    taken: set[str] = set()
    for number, file in enumerate(files, start=1):
        stem = Path(file).stem.translate(_SHEET_NAME_FORBIDDEN).strip("' ")
        base = f"{number:03d} {stem}"[:_SHEET_NAME_LIMIT].rstrip("' ")
        name, extra = base, 1
        while name.lower() in taken or name.lower() == "summary":
            extra += 1
            suffix = f"~{extra}"
            name = base[: _SHEET_NAME_LIMIT - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


# ---------------------------------------------------------------------------------------------- cells


def _clean(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text if len(text) <= _CELL_LIMIT else text[: _CELL_LIMIT - 1] + "…"


def put(sheet: Worksheet, row: int, column: int, value: object, **style: object):
    """Write a cell as data, never as a formula (plan text may start with '=')."""
    cell = sheet.cell(row=row, column=column, value=_clean(value))
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _grade_fill(grade: str) -> PatternFill | None:
    colour = GRADE_FILLS.get(grade)
    return PatternFill("solid", fgColor=colour) if colour else None


def _put_grade(sheet: Worksheet, row: int, column: int, grade: str) -> None:
    cell = put(sheet, row, column, grade or _NOT_GRADED, alignment=_WRAP)
    fill = _grade_fill(grade)
    if fill:
        cell.fill = fill


def _header(sheet: Worksheet, row: int, headers: Iterable[str]) -> None:
    for column, text in enumerate(headers, start=1):
        put(sheet, row, column, text, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_WRAP)


def _widths(sheet: Worksheet, widths: Iterable[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _colour_grades(sheet: Worksheet, cell_range: str) -> None:
    """Colour whatever grade a reviewer picks, as the tool's grades are coloured."""
    for grade, colour in GRADE_FILLS.items():
        fill = PatternFill("solid", bgColor=colour)
        sheet.conditional_formatting.add(cell_range, CellIsRule(operator="equal", formula=[f'"{grade}"'], fill=fill))


def _fit_rows(sheet: Worksheet) -> None:
    """Give rows with wrapped text the height it needs: Excel and LibreOffice do not resize rows written by a
    program, so a multi-line cell would otherwise show one line. Widths are in characters of the default font."""
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            dimension = sheet.column_dimensions[cell.column_letter]
            if dimension.hidden:
                continue
            per_line = max(1, int((dimension.width or 10) * 1.15) - 1)
            lines = max(lines, sum(len(textwrap.wrap(part, per_line)) or 1 for part in cell.value.split("\n")))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * lines + 2)


def _landscape(sheet: Worksheet, title_rows: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows


# ---------------------------------------------------------------------------------------------- audit sheet


def row_id(kind: str, section: str = "", rule: str = "", grade: str = "", number: int = 0) -> str:
    """A hidden row's identity: what the row is and the tool's grade, read back by moderate."""
    return "|".join((ROW_ID_PREFIX, kind, section, rule, grade, str(number)))


def parse_row_id(value: object) -> dict[str, str] | None:
    parts = str(value or "").split("|")
    if len(parts) != 6 or parts[0] != ROW_ID_PREFIX:
        return None
    return dict(zip(("prefix", "kind", "section", "rule", "grade", "number"), parts, strict=True))


def sheet_sections(plan: Plan, score: Score) -> list[str]:
    """A row per statutory section A-K; an undivided H replaces H1 and H2."""
    graded = {s.section for s in score.sections}
    undivided = "H" in plan.section_ids or "H" in graded
    split_graded = bool({"H1", "H2"} & (graded | set(plan.section_ids)))
    rows = []
    for section_id in SECTION_IDS:
        if section_id in ("H1", "H2") and undivided and not split_graded:
            if section_id == "H1":
                rows.append("H")
            continue
        rows.append(section_id)
    return rows


def write_audit_sheet(sheet: Worksheet, audited: AuditedPlan, criteria: Mapping[str, Sequence[str]]) -> None:
    result = audited.result
    plan, score = result.plan, result.score
    findings_by_section: dict[str | None, list[tuple[int, Finding]]] = {}
    for number, finding in enumerate(result.findings, start=1):
        findings_by_section.setdefault(finding.section, []).append((number, finding))

    put(sheet, 1, 1, audited.file, font=Font(bold=True, size=13))
    put(
        sheet,
        2,
        1,
        f"Tool grade: {score.grade} ({score.score:g}/100) · {len(result.findings)} findings"
        f" · checked by ehcp-qa {__version__}",
    )
    put(
        sheet,
        3,
        1,
        "Reviewer: for the plan, each section and each finding, choose whether you agree, add a "
        "comment, and give your agreed grade for the plan and each section.",
        font=Font(italic=True),
    )
    _header(sheet, _AUDIT_HEADER_ROW, (header for header, _width in AUDIT_COLUMNS))
    row = _AUDIT_HEADER_ROW + 1
    grade_rows: list[int] = []

    _section_row(
        sheet,
        row,
        "Plan",
        "Whole plan",
        "",
        str(score.grade),
        score.score,
        score.reasons,
        row_id("overall", grade=str(score.grade)),
    )
    grade_rows.append(row)
    row = _finding_rows(sheet, row + 1, "Plan", findings_by_section.get(None, []))
    sections_by_id = {s.section: s for s in score.sections}
    for section_id in sheet_sections(plan, score):
        section = plan.section(section_id)
        graded = sections_by_id.get(section_id)
        title = section.title if section else "(not found in the plan)"
        grade = str(graded.grade) if graded else ""
        _section_row(
            sheet,
            row,
            section_id,
            title,
            "\n".join(criteria.get(section_id, ())),
            grade,
            graded.score if graded else None,
            graded.reasons if graded else (),
            row_id("section", section_id, grade=grade),
        )
        if graded:
            grade_rows.append(row)
        row = _finding_rows(sheet, row + 1, section_id, findings_by_section.get(section_id, []))
    _finish_audit_sheet(sheet, row - 1, grade_rows)


def _section_row(
    sheet: Worksheet,
    row: int,
    section_id: str,
    title: str,
    criteria: str,
    grade: str,
    score: float | None,
    reasons: Sequence[str],
    identity: str,
) -> None:
    values = {
        "Section": section_id,
        "Section title": title,
        "Criteria checked": criteria,
        "Finding / why this grade": "\n".join(reasons) or ("No findings" if grade else ""),
        "Score": score,
        ROW_ID: identity,
    }
    for column in range(1, len(AUDIT_COLUMNS) + 1):
        put(sheet, row, column, None, fill=_SECTION_FILL, alignment=_WRAP)
    for header, value in values.items():
        put(sheet, row, _COL[header], value, fill=_SECTION_FILL, alignment=_WRAP)
    put(sheet, row, _COL["Section"], section_id, fill=_SECTION_FILL, alignment=_WRAP, font=Font(bold=True))
    _put_grade(sheet, row, _COL["Tool grade"], grade)
    if not grade:
        put(sheet, row, _COL[AGREED_GRADE], None, fill=_UNUSED_FILL)


def _finding_rows(sheet: Worksheet, row: int, section_id: str, findings: Sequence[tuple[int, Finding]]) -> int:
    for number, finding in findings:
        values = {
            "Section": section_id,
            "Rule": finding.rule,
            "Severity": str(finding.severity),
            "Finding / why this grade": finding.message,
            "Evidence (the plan's words)": f"“{finding.evidence}”" if finding.evidence else "(something is missing)",
            "Suggestion": finding.suggestion,
            ROW_ID: row_id("finding", section_id, finding.rule, number=number),
        }
        for header, value in values.items():
            put(sheet, row, _COL[header], value, alignment=_WRAP)
        put(sheet, row, _COL[AGREED_GRADE], None, fill=_UNUSED_FILL)
        row += 1
    return row


def _finish_audit_sheet(sheet: Worksheet, last_row: int, grade_rows: Sequence[int]) -> None:
    first = _AUDIT_HEADER_ROW + 1
    agrees = DataValidation(type="list", formula1=f'"{",".join(AGREE_CHOICES)}"', allow_blank=True)
    agrees.promptTitle, agrees.prompt = AGREES, "Do you agree? Choose Yes, Partly or No."
    agrees.errorTitle, agrees.error = AGREES, "Choose Yes, Partly or No from the list."
    grades = DataValidation(type="list", formula1=f'"{",".join(GRADE_ORDER)}"', allow_blank=True)
    grades.promptTitle, grades.prompt = AGREED_GRADE, "The grade you would give."
    grades.errorTitle, grades.error = AGREED_GRADE, "Choose one of the four grades from the list."
    for validation in (agrees, grades):
        validation.showInputMessage = validation.showErrorMessage = True
        sheet.add_data_validation(validation)
    agrees_column = get_column_letter(_COL[AGREES])
    grade_column = get_column_letter(_COL[AGREED_GRADE])
    agrees.add(f"{agrees_column}{first}:{agrees_column}{last_row}")
    for row in grade_rows:
        grades.add(f"{grade_column}{row}")
    _colour_grades(sheet, f"{grade_column}{first}:{grade_column}{last_row}")

    _widths(sheet, (width for _header_text, width in AUDIT_COLUMNS))
    sheet.column_dimensions[get_column_letter(_COL[ROW_ID])].hidden = True
    _fit_rows(sheet)
    sheet.freeze_panes = sheet.cell(row=first, column=_COL["Section title"])
    sheet.auto_filter.ref = f"A{_AUDIT_HEADER_ROW}:{get_column_letter(len(AUDIT_COLUMNS))}{last_row}"
    _landscape(sheet, f"{_AUDIT_HEADER_ROW}:{_AUDIT_HEADER_ROW}")


# ---------------------------------------------------------------------------------------------- summary


def summary_columns(audit: AuditResult) -> list[str]:
    stratum = ["Stratum"] if audit.sampling.stratify else []
    return ["File", "Audit sheet", *stratum, "Overall grade", "Score", *SECTION_IDS, *CATEGORIES, "Total findings"]


def write_summary(sheet: Worksheet, audit: AuditResult, sheet_names: Sequence[str]) -> None:
    sampling = audit.sampling
    header_row = 4
    put(sheet, 1, 1, "EHC plan audit", font=Font(bold=True, size=14))
    put(sheet, 2, 1, _sampling_line(audit) + f" · generated {datetime.now():%Y-%m-%d %H:%M} by ehcp-qa {__version__}")
    columns = summary_columns(audit)
    _header(sheet, header_row, columns)
    column = {name: n for n, name in enumerate(columns, start=1)}
    row = header_row + 1
    for plan, sheet_name in zip(audit.plans, sheet_names, strict=True):
        _summary_row(sheet, row, column, plan, sheet_name)
        row += 1
    last_plan_row = max(row - 1, header_row)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_plan_row}"

    row = _parameters(sheet, last_plan_row + 2, sampling)
    row = _themes(sheet, row + 1, audit.plans)
    _unreadable(sheet, row + 1, audit)
    _widths(
        sheet,
        [34, 18, *([14] if sampling.stratify else []), 13, 7, *([12] * len(SECTION_IDS)), *([12] * len(CATEGORIES)), 9],
    )
    _fit_rows(sheet)
    _landscape(sheet, f"{header_row}:{header_row}")


def _sampling_line(audit: AuditResult) -> str:
    sampling = audit.sampling
    if sampling.requested is None:
        line = f"All {sampling.population} plans found"
    else:
        line = f"Sample of {sampling.sample_size} from {sampling.population} plans · seed {sampling.seed}"
    if sampling.stratify:
        line += f" · stratified by {sampling.stratify}"
    return line + f" · {len(audit.unreadable)} unreadable"


def _summary_row(sheet: Worksheet, row: int, column: Mapping[str, int], plan: AuditedPlan, sheet_name: str) -> None:
    score = plan.result.score
    counts = category_counts(plan)
    put(sheet, row, column["File"], plan.file, alignment=_WRAP)
    link = put(sheet, row, column["Audit sheet"], sheet_name, font=Font(color="0563C1", underline="single"))
    link.hyperlink = f"#'{sheet_name}'!A1"
    if "Stratum" in column:
        put(sheet, row, column["Stratum"], plan.stratum)
    _put_grade(sheet, row, column["Overall grade"], str(score.grade))
    put(sheet, row, column["Score"], score.score)
    for section_id in SECTION_IDS:
        _put_grade(sheet, row, column[section_id], section_grade(score, section_id))
    for category in CATEGORIES:
        put(sheet, row, column[category], counts.get(category, 0))
    put(sheet, row, column["Total findings"], len(plan.result.findings))


def _block_title(sheet: Worksheet, row: int, title: str, headers: Sequence[str]) -> int:
    put(sheet, row, 1, title, font=Font(bold=True, size=12))
    _header(sheet, row + 1, headers)
    return row + 2


def _parameters(sheet: Worksheet, row: int, sampling: Sampling) -> int:
    row = _block_title(sheet, row, "Sampling", ("Parameter", "Value"))
    parameters = (
        ("Plan files found (population)", sampling.population),
        ("Sample size asked for", sampling.requested if sampling.requested is not None else "all"),
        ("Plans in the sample", sampling.sample_size),
        ("Seed (the same seed gives the same sample)", sampling.seed if sampling.seed is not None else "not sampled"),
        ("Stratified by", sampling.stratify or "not stratified"),
        ("Cases file", sampling.cases_csv or "none"),
    )
    for name, value in parameters:
        put(sheet, row, 1, name, alignment=_WRAP)
        put(sheet, row, 2, value, alignment=Alignment(horizontal="left"))
        row += 1
    if sampling.strata:
        row = _block_title(sheet, row + 1, "Strata", ("Stratum", "Plans found", "Sampled"))
        for stratum in sampling.strata:
            for offset, value in enumerate((stratum.name, stratum.population, stratum.sampled)):
                put(sheet, row, 1 + offset, value)
            row += 1
    return row


def _themes(sheet: Worksheet, row: int, plans: Sequence[AuditedPlan]) -> int:
    """The most frequent findings across the sample and the share of plans with each, then by category."""
    total = len(plans)
    findings = Counter(f.rule for plan in plans for f in plan.result.findings)
    plans_with = Counter(rule for plan in plans for rule in {f.rule for f in plan.result.findings})
    # Described by category, not by message: a message can quote one plan's words, and this is a summary.
    described = {f.rule: f.category for plan in plans for f in plan.result.findings}
    headers = ("Finding", "Rule", "Category", "Findings", "Plans with it", "Share of plans")
    row = _block_title(sheet, row, f"Themes across the sample: the {_THEMES_SHOWN} most frequent findings", headers)
    ranked = sorted(plans_with, key=lambda rule: (-plans_with[rule], -findings[rule], rule))[:_THEMES_SHOWN]
    for rule in ranked:
        category = described[rule]
        label = CATEGORY_LABELS.get(category, category)
        row = _theme_row(sheet, row, (label, rule, category, findings[rule], plans_with[rule]), total)
    if not ranked:
        put(sheet, row, 1, "No findings in the sample.")
        row += 1

    by_category = Counter(f.category for plan in plans for f in plan.result.findings)
    plans_in = Counter(c for plan in plans for c in {f.category for f in plan.result.findings})
    headers = ("Category", "Findings", "Plans with it", "Share of plans")
    row = _block_title(sheet, row + 1, "Findings by category", headers)
    for category in sorted(plans_in, key=lambda c: (-plans_in[c], c)):
        row = _theme_row(sheet, row, (category, by_category[category], plans_in[category]), total)
    return row


def _theme_row(sheet: Worksheet, row: int, values: Sequence, total: int) -> int:
    """The values, then the last value (a number of plans) as a share of all plans."""
    for offset, value in enumerate(values):
        put(sheet, row, 1 + offset, value, alignment=_WRAP)
    share = put(sheet, row, 1 + len(values), values[-1] / total if total else 0, alignment=_WRAP)
    share.number_format = "0%"
    return row + 1


def _unreadable(sheet: Worksheet, row: int, audit: AuditResult) -> None:
    row = _block_title(sheet, row, f"Unreadable files ({len(audit.unreadable)})", ("File", "Reason"))
    for item in audit.unreadable:
        put(sheet, row, 1, item.file, alignment=_WRAP)
        put(sheet, row, 2, item.reason)
        row += 1
    if not audit.unreadable:
        put(sheet, row, 1, "None: every sampled file was read.")
