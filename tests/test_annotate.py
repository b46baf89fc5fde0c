"""Annotated drafts: Word comments on the exact words of each finding, the draft itself never changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import docx
import pytest
from test_score import make_finding

from ehcp_qa.errors import InputError
from ehcp_qa.model import Finding, Severity
from ehcp_qa.read import read_document
from ehcp_qa.report.annotate import AUTHOR, annotate_docx
from ehcp_qa.segment import segment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def write_draft(path: Path) -> Path:
    """An invented draft whose vague phrase is split across runs, as Word often saves text."""
    document = docx.Document()
    document.add_heading("Section A: All about me", level=1)
    document.add_paragraph("Tom Invented likes trains and drawing.")
    document.add_heading("Section F: Special educational provision", level=1)
    split = document.add_paragraph("Tom will have ")
    split.add_run("regular ").bold = True
    split.add_run("support from a key adult")
    split.add_run(" and regular checks.")
    document.add_heading("Section K: Advice and information", level=1)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Educational psychology advice"
    table.cell(0, 1).text = "Dated 3 March, as appropriate"
    document.save(path)
    return path


@pytest.fixture
def draft(tmp_path):
    return write_draft(tmp_path / "draft.docx")


def block_index(path: Path, starts: str) -> int:
    return next(b.location.index for b in read_document(path).blocks if b.text.startswith(starts))


def anchored_comments(path: Path) -> list[tuple[str, str]]:
    """(the words a comment is anchored on, the comment's text), in comment order."""
    document = docx.Document(str(path))
    texts = {c.comment_id: "\n".join(p.text for p in c.paragraphs) for c in document.comments}
    authors = {c.author for c in document.comments}
    assert authors <= {AUTHOR}
    anchored: dict[int, list[str]] = {}
    open_ranges: set[int] = set()
    for element in document.element.body.iter():
        if element.tag == f"{W}commentRangeStart":
            open_ranges.add(int(element.get(f"{W}id")))
        elif element.tag == f"{W}commentRangeEnd":
            open_ranges.discard(int(element.get(f"{W}id")))
        elif element.tag == f"{W}t":
            for comment_id in open_ranges:
                anchored.setdefault(comment_id, []).append(element.text or "")
    return [("".join(anchored.get(cid, [])), text) for cid, text in sorted(texts.items())]


def comments(path: Path) -> dict[str, str]:
    return dict(anchored_comments(path))


def finding_on(draft: Path, evidence: str, starts: str, rule: str = "PRV001") -> Finding:
    return make_finding(rule, evidence=evidence, index=block_index(draft, starts))


def test_comment_covers_just_the_evidence_across_runs(draft, tmp_path):
    out = tmp_path / "annotated.docx"
    placed = annotate_docx(draft, [finding_on(draft, "regular support", "Tom will have")], out)
    assert placed == 1
    assert comments(out) == {
        "regular support": "PRV001: Provision is not specific\nSuggestion: Say who, what, how often and for how long."
    }
    # The paragraph reads the same: runs were split, not text changed; the split run kept its bold.
    paragraph = next(p for p in docx.Document(str(out)).paragraphs if p.text.startswith("Tom will have"))
    assert paragraph.text == "Tom will have regular support from a key adult and regular checks."
    assert [r.text for r in paragraph.runs if r.bold] == ["regular "]


def test_repeated_words_get_one_comment_each_in_order(draft, tmp_path):
    out = tmp_path / "annotated.docx"
    first = finding_on(draft, "regular", "Tom will have")
    second = finding_on(draft, "regular", "Tom will have", rule="PRV009")
    assert annotate_docx(draft, [first, second], out) == 2
    assert [(words, text.split(":")[0]) for words, text in anchored_comments(out)] == [
        ("regular", "PRV001"),
        ("regular", "PRV009"),
    ]
    # The two comments sit on different occurrences: the first before "support", the second before "checks".
    body_xml = docx.Document(str(out)).element.body.xml
    assert body_xml.index('commentRangeStart w:id="0"') < body_xml.index("support from")
    assert body_xml.index("support from") < body_xml.index('commentRangeStart w:id="1"')


def test_evidence_in_a_table_cell(draft, tmp_path):
    out = tmp_path / "annotated.docx"
    finding = finding_on(draft, "as appropriate", "Dated 3 March")
    assert annotate_docx(draft, [finding], out) == 1
    assert list(comments(out)) == ["as appropriate"]


def test_absence_sits_on_its_section_heading(draft, tmp_path):
    out = tmp_path / "annotated.docx"
    plan = segment(read_document(draft))
    missing_target = Finding(
        "OUT001", "outcome-specificity", "F", Severity.WARNING, "No outcomes for this need", "", None, "Add an outcome."
    )
    no_section = make_finding("SEC001", "section-missing", "D", Severity.ERROR, message="Section D is missing")
    assert annotate_docx(draft, [missing_target, no_section], out, plan=plan) == 2
    anchored = comments(out)
    assert anchored["Section F: Special educational provision"].startswith("OUT001: No outcomes for this need")
    assert anchored["Section A: All about me"].startswith("SEC001: Section D is missing")


def test_words_not_found_comment_on_the_whole_paragraph(draft, tmp_path):
    out = tmp_path / "annotated.docx"
    stale = finding_on(draft, "words that are not there", "Tom Invented")
    assert annotate_docx(draft, [stale], out) == 1
    assert list(comments(out)) == ["Tom Invented likes trains and drawing."]


def test_draft_bytes_unchanged_and_never_overwritten(draft, tmp_path):
    before = hashlib.sha256(draft.read_bytes()).hexdigest()
    annotate_docx(draft, [finding_on(draft, "regular support", "Tom will have")], tmp_path / "out.docx")
    assert hashlib.sha256(draft.read_bytes()).hexdigest() == before
    with pytest.raises(InputError, match="refusing"):
        annotate_docx(draft, [], draft)
    with pytest.raises(InputError, match="refusing"):
        annotate_docx(draft, [], tmp_path / "." / "draft.docx")
    assert hashlib.sha256(draft.read_bytes()).hexdigest() == before


def test_location_from_another_walk_is_not_trusted_blindly(draft, tmp_path):
    out = tmp_path / "annotated.docx"
    far_away = make_finding(evidence="regular", index=999)
    assert annotate_docx(draft, [far_away], out) == 1
    assert list(comments(out)) == ["Section A: All about me"]  # no such paragraph: the first one
