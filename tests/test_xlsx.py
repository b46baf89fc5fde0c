"""The audit workbook: Summary sheet, one audit sheet per plan, reviewer drop-downs, sheet names, safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_score import make_finding, make_plan, make_result

from ehcp_qa.audit import AuditedPlan, AuditResult, Sampling, Stratum, Unreadable
from ehcp_qa.model import SECTION_IDS, Severity
from ehcp_qa.report.xlsx import (
    AGREED_GRADE,
    AGREES,
    AUDIT_COLUMNS,
    GRADE_FILLS,
    ROW_ID,
    parse_row_id,
    unique_sheet_names,
    write_workbook,
)

FORBIDDEN = set("[]:*?/\\")


def build_audit(tmp_path: Path) -> AuditResult:
    vague = make_finding(evidence="regular support", index=12)
    formula = make_finding("PRV002", evidence="=SUM(A1:A9)", index=12, message="Frequency not stated")
    missing = make_finding("SEC001", "section-missing", "D", Severity.ERROR, message="Section D is missing")
    whole = make_finding("ADV001", "advice-missing", None, message="Educational psychology advice not listed")
    plans = (
        AuditedPlan("north/Plan one.docx", "Primary", make_result(make_plan(), [vague, formula, whole])),
        AuditedPlan("north/Plan two.docx", "Primary", make_result(make_plan(omit=("D",)), [missing, vague])),
        AuditedPlan("south/Plan three.pdf", "Secondary", make_result(make_plan(), [])),
    )
    sampling = Sampling(
        population=7,
        sample_size=4,
        requested=4,
        seed=4242,
        stratify="phase",
        cases_csv=None,
        strata=(Stratum("Primary", 4, 2), Stratum("Secondary", 3, 2)),
    )
    unreadable = (Unreadable("south/broken.docx", "broken.docx: not a Word document"),)
    return AuditResult(tmp_path / "audit.xlsx", sampling, plans, unreadable)


@pytest.fixture
def workbook(tmp_path):
    audit = build_audit(tmp_path)
    write_workbook(audit.out, audit, {"F": ["Provision is quantified", "No vague words"], "D": ["Section present"]})
    return load_workbook(audit.out)


def cells(sheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def find_row(sheet, first_value: str) -> int:
    return next(n for n, row in enumerate(cells(sheet), start=1) if row and row[0] == first_value)


def test_summary_has_a_row_per_plan_with_grades_and_counts(workbook):
    summary = workbook["Summary"]
    header = [cell.value for cell in summary[4]]
    assert header[:5] == ["File", "Audit sheet", "Stratum", "Overall grade", "Score"]
    assert all(section in header for section in SECTION_IDS)
    rows = cells(summary)[4:7]
    assert [row[0] for row in rows] == ["north/Plan one.docx", "north/Plan two.docx", "south/Plan three.pdf"]
    second = dict(zip(header, rows[1], strict=False))
    assert second["Overall grade"] == "Inadequate"  # the missing-section cap
    assert second["D"] == "Inadequate"
    assert second["section-missing"] == 1 and second["provision-vague"] == 1 and second["Total findings"] == 2
    assert dict(zip(header, rows[2], strict=False))["Overall grade"] == "Outstanding"
    assert summary.freeze_panes == "B5"
    assert summary.auto_filter.ref == f"A4:{summary.cell(4, len(header)).column_letter}7"
    grade_cell = summary.cell(5, header.index("Overall grade") + 1)
    assert grade_cell.fill.fgColor.rgb.endswith(GRADE_FILLS[grade_cell.value])


def test_summary_records_sampling_themes_and_unreadable_files(workbook):
    summary = workbook["Summary"]
    table = cells(summary)
    assert "seed 4242" in table[1][0]
    seed_row = find_row(summary, "Seed (the same seed gives the same sample)")
    assert summary.cell(seed_row, 2).value == 4242
    assert summary.cell(find_row(summary, "Plan files found (population)"), 2).value == 7
    assert summary.cell(find_row(summary, "Secondary"), 2).value == 3
    # PRV001 is in two of the three plans: it leads the themes, with a share of 2/3.
    theme = table[find_row(summary, "provision vague or not quantified") - 1]
    assert theme[1:5] == ["PRV001", "provision-vague", 2, 2]
    assert theme[5] == pytest.approx(2 / 3)
    unreadable_row = find_row(summary, "south/broken.docx")
    assert summary.cell(unreadable_row, 2).value == "broken.docx: not a Word document"


def test_audit_sheet_per_plan_with_sections_findings_and_reviewer_columns(workbook):
    assert len(workbook.sheetnames) == 4
    sheet = workbook[workbook.sheetnames[1]]
    header = [cell.value for cell in sheet[4]]
    assert header == [name for name, _width in AUDIT_COLUMNS]
    ids = [parse_row_id(row[header.index(ROW_ID)]) for row in cells(sheet)[4:]]
    assert all(ids)
    section_rows = [i["section"] for i in ids if i["kind"] == "section"]
    assert section_rows == list(SECTION_IDS)
    assert [i["rule"] for i in ids if i["kind"] == "finding"] == ["ADV001", "PRV001", "PRV002"]
    # (12 x 100 + 3 x 76) / 15 = 95.2, less 10 for the whole-plan ADV001 = 85.2: Good
    assert ids[0]["kind"] == "overall" and ids[0]["grade"] == "Good"

    rows = cells(sheet)
    f_row = next(row for row in rows if row[0] == "F" and row[header.index("Criteria checked")])
    assert f_row[header.index("Criteria checked")] == "Provision is quantified\nNo vague words"
    assert f_row[header.index("Tool grade")] == "Good"
    assert "PRV001: provision vague or not quantified (-12)" in f_row[header.index("Finding / why this grade")]
    evidence = [row[header.index("Evidence (the plan's words)")] for row in rows if row[3] in ("PRV001", "PRV002")]
    assert evidence == ["“regular support”", "“=SUM(A1:A9)”"]
    assert sheet.freeze_panes == "B5"
    assert sheet.auto_filter.ref.startswith("A4:")
    assert sheet.column_dimensions["N"].hidden
    # Two criteria on two lines: the row is made tall enough to show both (no program-written row resizes itself).
    f_row_number = next(n for n, row in enumerate(rows, start=1) if row is f_row)
    assert sheet.row_dimensions[f_row_number].height >= 30


def test_formula_like_plan_text_is_stored_as_text(tmp_path):
    audit = build_audit(tmp_path)
    formula_only = make_finding("PRV002", evidence="", index=12, message='=HYPERLINK("x")')
    plan = AuditedPlan("=evil.docx", None, make_result(make_plan(), [formula_only]))
    audit = AuditResult(audit.out, audit.sampling, (plan,), ())
    write_workbook(audit.out, audit, {})
    workbook = load_workbook(audit.out)
    sheet = workbook[workbook.sheetnames[1]]
    values = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any(cell.value == '=HYPERLINK("x")' for cell in values)
    assert all(cell.data_type == "s" for cell in values)
    assert workbook["Summary"]["A5"].data_type == "s"


def test_reviewer_drop_downs_cover_the_reviewer_columns(workbook):
    sheet = workbook[workbook.sheetnames[1]]
    header = [cell.value for cell in sheet[4]]
    agrees_col = sheet.cell(4, header.index(AGREES) + 1).column_letter
    grade_col = sheet.cell(4, header.index(AGREED_GRADE) + 1).column_letter
    lists = {dv.formula1: dv for dv in sheet.data_validations.dataValidation}
    agrees = lists['"Yes,Partly,No"']
    grades = lists['"Outstanding,Good,Requires improvement,Inadequate"']
    last = sheet.max_row
    assert f"{agrees_col}5:{agrees_col}{last}" in str(agrees.sqref)
    kinds = {row: parse_row_id(sheet.cell(row, header.index(ROW_ID) + 1).value)["kind"] for row in range(5, last + 1)}
    graded_rows = {f"{grade_col}{row}" for row, kind in kinds.items() if kind in ("overall", "section")}
    assert graded_rows and graded_rows == {str(cell) for cell in str(grades.sqref).split()}


def test_sheet_names_are_unique_short_and_legal():
    files = ["a[b]:c*?/d\\e.docx", "x" * 60 + ".docx", "x" * 60 + ".pdf", "'quoted'.docx", "Summary.docx"]
    names = unique_sheet_names(files)
    assert len({name.lower() for name in names}) == len(names)
    for name in names:
        assert len(name) <= 31
        assert not FORBIDDEN & set(name)
        assert not name.startswith("'") and not name.endswith("'")
    assert names[1] != names[2]
