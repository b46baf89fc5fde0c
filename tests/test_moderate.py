"""Moderation: reviewer answers filled into an audit workbook are read back and measured against the tool."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from test_xlsx import build_audit

from ehcp_qa.errors import InputError
from ehcp_qa.moderate import cohens_kappa, moderate_workbook
from ehcp_qa.report.xlsx import AGREED_GRADE, AGREES, ROW_ID, parse_row_id, write_workbook

OUT, GOOD, RI, INAD = "Outstanding", "Good", "Requires improvement", "Inadequate"

# What the reviewers say, per audit sheet (in plan order): finding rule -> answer; section id -> agreed grade.
ANSWERS = [
    {"ADV001": "Yes", "PRV001": "No", "PRV002": "partly "},  # case and spaces as a person might type them
    {"SEC001": "Yes", "PRV001": "No"},
    {},
]
AGREED = [
    {"overall": GOOD, "F": RI, "A": OUT, "B": GOOD},  # tool: overall Good, F Good, A and B Outstanding
    {"overall": RI, "D": INAD, "F": GOOD},  # tool: overall Inadequate, D Inadequate, F Good
    {"overall": "Excellent", "A": OUT},  # not a grade: left out and counted as unrecognised
]


def fill_reviewer_columns(path):
    workbook = load_workbook(path)
    for sheet, answers, agreed in zip(workbook.worksheets[1:], ANSWERS, AGREED, strict=True):
        header = {cell.value: cell.column for cell in sheet[4]}
        for row in range(5, sheet.max_row + 1):
            identity = parse_row_id(sheet.cell(row, header[ROW_ID]).value)
            if identity["kind"] == "finding" and identity["rule"] in answers:
                sheet.cell(row, header[AGREES]).value = answers[identity["rule"]]
            key = "overall" if identity["kind"] == "overall" else identity["section"]
            if identity["kind"] != "finding" and key in agreed:
                sheet.cell(row, header[AGREED_GRADE]).value = agreed[key]
    workbook.save(path)


@pytest.fixture
def report(tmp_path):
    audit = build_audit(tmp_path)
    write_workbook(audit.out, audit, {})
    fill_reviewer_columns(audit.out)
    return moderate_workbook(audit.out)


def test_share_of_findings_agreed(report):
    assert report.sheets == 3
    assert report.findings == 5
    assert report.reviewed == 5
    assert dict(report.answers) == {"Yes": 2, "No": 2, "Partly": 1}
    assert report.share("Yes") == pytest.approx(0.4)
    assert report.share("Partly") == pytest.approx(0.2)


def test_kappa_on_section_grades_matches_hand_computation(report):
    # Pairs (tool, agreed), O G RI I for the grades: (G,RI) (O,O) (O,G) | (I,I) (G,G) | (O,O). Observed 4/6.
    # Tool O3 G2 I1, agreed O2 G2 RI1 I1: chance = (3x2 + 2x2 + 1x1) / 36 = 11/36.
    # kappa = (24/36 - 11/36) / (25/36) = 13/25.
    assert report.sections.compared == 6
    assert report.sections.same == 4
    assert report.sections.kappa == pytest.approx(13 / 25)


def test_kappa_on_plan_grades_and_unrecognised_answers(report):
    # (G,G) and (I,RI): observed 1/2, chance 1/4, kappa (1/2 - 1/4) / (3/4) = 1/3. "Excellent" is left out.
    assert report.plans.pairs == ((GOOD, GOOD), (INAD, RI))
    assert report.plans.kappa == pytest.approx(1 / 3)
    assert report.unrecognised == 1


def test_rules_disagreed_with_most_come_first(report):
    assert [(r.rule, r.answers["No"], r.answers["Partly"]) for r in report.rules] == [
        ("PRV001", 2, 0),
        ("PRV002", 0, 1),
    ]


def test_text_and_dict_outputs(report):
    text = report.to_text()
    assert "Reviewer agrees: Yes 2 (40%), Partly 1 (20%), No 2 (40%)" in text
    assert "Section grades: 4 of 6 the same; Cohen's kappa 0.52" in text
    assert text.index("PRV001") < text.index("PRV002")
    data = json.loads(report.to_json())
    assert data["shares"] == {"yes": 0.4, "partly": 0.2, "no": 0.4}
    assert data["section_grades"]["kappa"] == 0.52
    assert data["rules_disagreed"][0] == {"rule": "PRV001", "reviewed": 2, "yes": 0, "partly": 0, "no": 2}


def test_unreviewed_workbook_reports_nothing_agreed(tmp_path):
    audit = build_audit(tmp_path)
    write_workbook(audit.out, audit, {})
    report = moderate_workbook(audit.out)
    assert report.reviewed == 0 and report.sections.compared == 0 and report.sections.kappa is None
    assert "No finding has a reviewer's answer yet." in report.to_text()


def test_kappa_edge_cases():
    assert cohens_kappa([(OUT, OUT), (OUT, OUT)]) is None  # chance agreement is 1: undefined
    assert cohens_kappa([(OUT, GOOD), (GOOD, OUT)]) == pytest.approx(-1.0)
    assert cohens_kappa([(OUT, OUT), (GOOD, GOOD), (INAD, INAD)]) == pytest.approx(1.0)


def test_not_a_workbook_is_an_input_error(tmp_path):
    bad = tmp_path / "audit.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not an Excel workbook"):
        moderate_workbook(bad)
    with pytest.raises(InputError, match="no such file"):
        moderate_workbook(tmp_path / "missing.xlsx")
