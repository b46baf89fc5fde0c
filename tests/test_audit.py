"""Dip-sample audit: collecting files, reproducible (stratified) sampling, parallel checking, unreadable files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from test_score import make_finding, make_plan, make_result

from ehcp_qa.audit import (
    allocate,
    collect_plan_files,
    criteria_by_section,
    draw_sample,
    phase_of,
    run_audit,
)
from ehcp_qa.errors import InputError
from ehcp_qa.model import Grade

SECRET = "Zebedee Quixote-Marsh"


def fake_check(path: Path):
    """Checks a plan by its file name: "broken" cannot be read, "crash" hits a bug, "vague" has a finding."""
    if "broken" in path.name:
        raise InputError(f"{path.name}: not a Word document\n(second line)")
    if "crash" in path.name:
        raise ValueError(f"could not parse {SECRET}")
    findings = [make_finding(evidence="regular", index=12)] if "vague" in path.name else []
    return make_result(make_plan(path=str(path)), findings)


def make_folder(root: Path, names: list[str]) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"invented")
    return root


def test_collect_finds_plans_in_folders_and_named_files(tmp_path):
    folder = make_folder(tmp_path / "plans", ["b.docx", "sub/a.PDF", "notes.txt", "~$b.docx", "sub/deeper/c.docx"])
    named = make_folder(tmp_path / "elsewhere", ["extra.doc"]) / "extra.doc"
    files = collect_plan_files([folder, named, folder / "b.docx"])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "elsewhere/extra.doc",
        "plans/b.docx",
        "plans/sub/a.PDF",
        "plans/sub/deeper/c.docx",
    ]


def test_collect_rejects_missing_paths_and_empty_folders(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        collect_plan_files([tmp_path / "nowhere"])
    with pytest.raises(InputError, match=r"no \.docx or \.pdf"):
        collect_plan_files([make_folder(tmp_path / "empty", ["readme.txt"])])


def test_same_seed_same_sample_whatever_the_listing_order():
    files = [Path(f"/plans/p{n:02d}.docx") for n in range(30)]
    first, _ = draw_sample(files, 6, seed=17)
    again, _ = draw_sample(list(reversed(files)), 6, seed=17)
    other, _ = draw_sample(files, 6, seed=18)
    assert first == again
    assert len(first) == 6 and len(set(first)) == 6
    assert other != first


def test_no_sample_takes_every_file_in_order():
    files = [Path(f"/plans/p{n}.docx") for n in (3, 1, 2)]
    chosen, strata = draw_sample(files, None, seed=0)
    assert chosen == sorted(files)
    assert strata == ()


def test_allocation_is_proportional_with_largest_remainders():
    # Quotas 3.0, 1.5, 0.5: floors 3, 1, 0; the one place left goes to the tied remainder named first.
    assert allocate({"a": 6, "b": 3, "c": 1}, 5) == {"a": 3, "b": 2, "c": 0}
    assert allocate({"x": 2, "y": 2}, 4) == {"x": 2, "y": 2}


def test_stratified_sample_draws_from_each_stratum():
    files = [Path(f"/plans/p{n:02d}.docx") for n in range(12)]
    strata = {f: ("Primary" if n < 8 else "Secondary") for n, f in enumerate(files)}
    chosen, summary = draw_sample(files, 6, seed=5, strata=strata)
    assert [(s.name, s.population, s.sampled) for s in summary] == [("Primary", 8, 4), ("Secondary", 4, 2)]
    assert sum(strata[f] == "Secondary" for f in chosen) == 2
    assert [strata[f] for f in chosen] == sorted(strata[f] for f in chosen)


@pytest.mark.parametrize(
    ("year", "phase"),
    [
        (None, "unknown"),
        (-1, "Early years"),
        (0, "Primary"),
        (6, "Primary"),
        (7, "Secondary"),
        (11, "Secondary"),
        (12, "Post-16"),
        (14, "Post-19"),
    ],
)
def test_phase_of_year_group(year, phase):
    assert phase_of(year) == phase


def test_audit_in_parallel_records_unreadable_files_and_keeps_sample_order(tmp_path):
    folder = make_folder(tmp_path / "plans", ["a-vague.docx", "b-broken.docx", "c.pdf", "d-crash.docx", "e.docx"])
    out = tmp_path / "audit.xlsx"
    result = run_audit(
        [folder],
        out,
        sample=None,
        seed=None,
        csv_out=tmp_path / "audit.csv",
        jsonl_out=tmp_path / "audit.jsonl",
        jobs=2,
        check=fake_check,
    )
    assert [p.file for p in result.plans] == ["a-vague.docx", "c.pdf", "e.docx"]
    assert [(u.file, u.reason) for u in result.unreadable] == [
        ("b-broken.docx", "b-broken.docx: not a Word document (second line)"),
        ("d-crash.docx", "internal error (ValueError)"),
    ]
    assert result.sampling.seed is None and result.sampling.population == 5

    summary = load_workbook(out)["Summary"]
    text = [str(cell.value) for row in summary.iter_rows() for cell in row if cell.value is not None]
    assert "b-broken.docx: not a Word document (second line)" in text
    assert all(SECRET not in value for value in text)
    with (tmp_path / "audit.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["file"], r["status"]) for r in rows][:3] == [
        ("a-vague.docx", "checked"),
        ("c.pdf", "checked"),
        ("e.docx", "checked"),
    ]
    assert rows[0]["count_provision-vague"] == "1" and rows[0]["grade_F"] == "Good"
    records = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records[0]["findings"] == [
        {"rule": "PRV001", "category": "provision-vague", "section": "F", "severity": "warning"}
    ]
    assert records[-1] == {
        "schema": "ehcp-qa-audit/1",
        "file": "d-crash.docx",
        "status": "unreadable",
        "reason": "internal error (ValueError)",
    }
    assert "regular" not in (tmp_path / "audit.jsonl").read_text(encoding="utf-8")


def test_audit_sample_is_reproducible_and_seed_recorded(tmp_path):
    folder = make_folder(tmp_path / "plans", [f"plan{n:02d}.docx" for n in range(10)])
    first = run_audit(
        [folder],
        tmp_path / "first.xlsx",
        sample=3,
        seed=None,
        jobs=1,
        check=fake_check,
    )
    seed = first.sampling.seed
    assert isinstance(seed, int)
    again = run_audit(
        [folder],
        tmp_path / "again.xlsx",
        sample=3,
        seed=seed,
        jobs=2,
        check=fake_check,
    )
    assert [p.file for p in again.plans] == [p.file for p in first.plans]
    summary = load_workbook(tmp_path / "again.xlsx")["Summary"]
    assert f"seed {seed}" in summary["A2"].value


def test_audit_stratified_by_a_cases_csv_column(tmp_path):
    folder = make_folder(tmp_path / "plans", [f"plan{n}.docx" for n in range(8)])
    cases = tmp_path / "cases.csv"
    lines = ["File Name,Team,Caseworker"] + [f"plan{n}.docx,{'North' if n < 4 else 'South'},X" for n in range(7)]
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_audit(
        [folder],
        tmp_path / "audit.xlsx",
        sample=3,
        seed=9,
        stratify="team",
        cases_csv=cases,
        jobs=1,
        check=fake_check,
    )
    strata = {s.name: (s.population, s.sampled) for s in result.sampling.strata}
    # Quotas of 3 from 8: North 1.5, South 1.125, not in the file 0.375; the place left goes to North.
    assert strata == {"(not in cases file)": (1, 0), "North": (4, 2), "South": (3, 1)}
    assert [p.stratum for p in result.plans] == ["North", "North", "South"]
    with pytest.raises(InputError, match="no column 'region'"):
        run_audit(
            [folder],
            tmp_path / "x.xlsx",
            sample=3,
            seed=9,
            stratify="region",
            cases_csv=cases,
            jobs=1,
            check=fake_check,
        )


def test_audit_refuses_to_overwrite_a_plan(tmp_path):
    folder = make_folder(tmp_path / "plans", ["a.docx"])
    with pytest.raises(InputError, match="refusing"):
        run_audit(
            [folder],
            folder / "a.docx",
            sample=None,
            seed=None,
            jobs=1,
            check=fake_check,
        )


class Rule:
    def __init__(self, code: str, name: str, sections: list[str]) -> None:
        self.code, self.name, self.sections = code, name, sections


def test_criteria_by_section_lists_each_rule_once_per_section():
    rules = [
        Rule("PRV001", "hedged-provision", ["F", "G"]),
        Rule("OUT001", "smart-outcome", ["E"]),
        Rule("PRV001", "hedged-provision", ["F"]),
    ]
    assert criteria_by_section(rules) == {
        "F": ["PRV001 hedged-provision"],
        "G": ["PRV001 hedged-provision"],
        "E": ["OUT001 smart-outcome"],
    }


def write_docx_plan(path: Path, provision: str, year: str) -> None:
    """An invented plan as a caseworker's .docx would have it."""
    document = docx.Document()
    document.add_paragraph(f"Year group: {year}")
    for title, text in [
        ("Section A: All about me", "Ava Invented likes horses."),
        ("Section B: Special educational needs", "Ava finds reading hard."),
        ("Section C: Health needs", "Ava has no health needs related to her special educational needs."),
        (
            "Section D: Social care needs",
            "The Children with Disabilities team assessed Ava in May 2025 and found no social care needs.",
        ),
        ("Section E: Outcomes", "By July 2026 Ava will read a page of a level 5 book aloud with 9 in 10 words right."),
        ("Section F: Special educational provision", provision),
        ("Section G: Health provision", "None."),
        ("Section H1: Social care provision under the Chronically Sick and Disabled Persons Act 1970", "None."),
        ("Section H2: Other social care provision", "None."),
        ("Section I: Placement", "Oak Invented Primary School, mainstream."),
        ("Section J: Personal budget", "No personal budget was requested."),
        (
            "Section K: Advice and information",
            "Parental advice; educational advice; medical advice; psychological advice; social care advice.",
        ),
    ]:
        document.add_heading(title, level=1)
        document.add_paragraph(text)
    document.save(path)


def test_audit_of_real_files_with_an_unreadable_one(tmp_path, capfd):
    folder = tmp_path / "plans"
    folder.mkdir()
    write_docx_plan(folder / "ava.docx", "Reading support as appropriate.", "Year 4")
    write_docx_plan(folder / "ben.docx", "Reading support: 30 minutes daily, 1:1 with a teaching assistant.", "Year 8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a whole zip file")
    result = run_audit(
        [folder],
        tmp_path / "audit.xlsx",
        sample=3,
        seed=11,
        stratify="phase",
        jobs=2,
    )
    assert [p.file for p in result.plans] == ["ava.docx", "ben.docx"]
    assert [u.file for u in result.unreadable] == ["broken.docx"]
    assert result.unreadable[0].reason.startswith("broken.docx")
    # Reading year groups for the strata found the broken file: it is listed, not sampled.
    assert [(s.name, s.population, s.sampled) for s in result.sampling.strata] == [
        ("Primary", 1, 1),
        ("Secondary", 1, 1),
    ]
    ava = result.plans[0].result
    assert "PRV001" in {f.rule for f in ava.findings}
    assert ava.score.grade is Grade.INADEQUATE  # no quantified provision at all in F
    assert result.plans[1].result.score.grade is not Grade.INADEQUATE
    assert load_workbook(tmp_path / "audit.xlsx").sheetnames[0] == "Summary"
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""  # no progress bar when stderr is not a terminal
