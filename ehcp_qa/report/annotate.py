"""An annotated copy of a .docx draft: a Word comment on the exact words of each finding.

The draft is read once into memory and never written. Each finding's paragraph is found again by walking the copy
the way the reader did (`read.docx.iter_paragraphs`, whose Block index is the finding's location index). Word
anchors a comment on whole runs, so the runs around the evidence are split to make the comment cover just those
words, even when they span several runs. A finding with no evidence (something missing) is anchored on its
section's heading, or on the first paragraph when the section itself is missing.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml.text.paragraph import CT_P
from docx.text.run import Run
from lxml import etree

from ehcp_qa.errors import InputError
from ehcp_qa.model import Block, Finding, Plan
from ehcp_qa.read.docx import SPACE_IN_RUN, TRANSPARENT_INLINE, W_NS, W_R, W_SDT, W_SDT_CONTENT, W_T, iter_paragraphs
from ehcp_qa.read.safety import check_input
from ehcp_qa.report.evidence import find_occurrence

AUTHOR = "ehcp-qa"
INITIALS = "QA"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
W_NO_BREAK_HYPHEN, W_RPR = f"{{{W_NS}}}noBreakHyphen", f"{{{W_NS}}}rPr"


def annotate_docx(source: Path, findings: Sequence[Finding], out: Path, *, plan: Plan | None = None) -> int:
    """Write a copy of `source` to `out` with a comment per finding; returns the number of comments placed.

    `plan` (the draft's segmented Plan) lets findings about an absence sit on their section's heading.
    """
    if out.resolve() == source.resolve() or (out.exists() and os.path.samefile(out, source)):
        raise InputError(f"{out.name}: refusing to write the annotated copy over the draft itself")
    if check_input(source) != "docx":
        raise InputError(f"{source.name}: comments can only be added to a .docx draft")
    document = docx.Document(io.BytesIO(source.read_bytes()))
    paragraphs = {block.location.index: (element, block) for element, block in iter_paragraphs(document)}
    if not paragraphs:
        raise InputError(f"{source.name}: the draft has no text to comment on")
    used: Counter[tuple[int, str]] = Counter()  # evidence already commented per paragraph: the next one is later
    placed = 0
    for finding in findings:
        index = _anchor_index(finding, paragraphs, plan)
        element = paragraphs[index][0]
        occurrence = used[(index, finding.evidence)]
        runs = _evidence_runs(element, finding.evidence, occurrence) if _located(finding, paragraphs) else None
        if runs and finding.evidence:
            used[(index, finding.evidence)] += 1
        runs = runs or _whole_paragraph(element)
        if not runs:
            continue
        document.add_comment(
            [Run(runs[0], document), Run(runs[-1], document)],
            text=comment_text(finding),
            author=AUTHOR,
            initials=INITIALS,
        )
        placed += 1
    document.save(str(out))
    return placed


def comment_text(finding: Finding) -> str:
    text = f"{finding.rule}: {finding.message}"
    return f"{text}\nSuggestion: {finding.suggestion}" if finding.suggestion else text


# ---------------------------------------------------------------------------------------------- anchors


def _located(finding: Finding, paragraphs: dict[int, tuple[CT_P, Block]]) -> bool:
    return finding.location is not None and finding.location.index in paragraphs


def _anchor_index(finding: Finding, paragraphs: dict[int, tuple[CT_P, Block]], plan: Plan | None) -> int:
    """The paragraph a finding's comment belongs on: its own, else its section's heading, else the first."""
    if finding.location is not None and finding.location.index in paragraphs:
        return finding.location.index
    section = plan.section(finding.section) if plan is not None and finding.section else None
    if section is not None:
        # The segmenter keeps the heading out of the section's blocks: it is the last paragraph reading as the
        # title at or before the section's first block.
        first = section.blocks[0].location.index if section.blocks else max(paragraphs)
        title = " ".join(section.title.split())
        headings = [i for i, (_element, block) in paragraphs.items() if i <= first and block.text == title]
        if headings:
            return max(headings)
        if section.blocks and first in paragraphs:
            return first
    return min(paragraphs)


# ---------------------------------------------------------------------------------------------- runs


@dataclass
class _Piece:
    """A run's visible text and where it starts in the paragraph's text."""

    run: etree._Element
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _pieces(paragraph: etree._Element) -> list[_Piece]:
    """The paragraph's runs with visible text, in order, reading them as the reader does."""
    pieces: list[_Piece] = []
    position = 0
    for run in _visible_runs(paragraph):
        text = "".join(text for _child, text in _run_text(run))
        if text:
            pieces.append(_Piece(run, position, text))
            position += len(text)
    return pieces


def _visible_runs(container: etree._Element) -> Iterator[etree._Element]:
    for child in container:
        if child.tag == W_R:
            yield child
        elif child.tag in TRANSPARENT_INLINE:
            yield from _visible_runs(child)
        elif child.tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                yield from _visible_runs(content)
        # tracked deletions, text boxes and math are not visible text of this paragraph: never anchored on


def _run_text(run: etree._Element) -> list[tuple[etree._Element, str]]:
    """Each child of a run with the text it shows; field codes (w:instrText) and formatting show nothing."""
    return [(child, _child_text(child)) for child in run]


def _child_text(child: etree._Element) -> str:
    if child.tag == W_T:
        return child.text or ""
    if child.tag in SPACE_IN_RUN:
        return " "
    if child.tag == W_NO_BREAK_HYPHEN:
        return "-"
    return ""


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text with whitespace collapsed and stripped, as the reader gives it, and each character's source offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(offset)
            continue
        chars.append(char)
        offsets.append(offset)
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def _evidence_runs(paragraph: etree._Element, evidence: str, occurrence: int) -> list[etree._Element] | None:
    """Split runs so the evidence is exactly some whole runs; those runs, or None if the words are not found."""
    wanted, _ = _normalised(evidence)
    if not wanted:
        return None
    pieces = _pieces(paragraph)
    text, offsets = _normalised("".join(piece.text for piece in pieces))
    found = find_occurrence(text, wanted, occurrence)
    if found == -1:
        return None
    start, end = offsets[found], offsets[found + len(wanted) - 1] + 1
    for boundary in (end, start):  # the end first, so the start's run is still where _pieces put it
        _split_at(_pieces(paragraph), boundary)
    return [piece.run for piece in _pieces(paragraph) if start <= piece.start and piece.end <= end]


def _split_at(pieces: Sequence[_Piece], boundary: int) -> None:
    for piece in pieces:
        if piece.start < boundary < piece.end:
            _split_run(piece.run, boundary - piece.start)
            return


def _split_run(run: etree._Element, cut: int) -> None:
    """Split a run in two at a text offset: the run keeps the text before it, a copy after it the rest."""
    after = deepcopy(run)
    _keep(run, 0, cut)
    _keep(after, cut, None)
    run.addnext(after)


def _keep(run: etree._Element, begin: int, end: int | None) -> None:
    """Trim a run to the text between two offsets, keeping its formatting (w:rPr)."""
    position = 0
    for child, text in _run_text(run):
        if child.tag == W_RPR:
            continue
        child_start, child_end = position, position + len(text)
        position = child_end
        inside_start = max(begin, child_start)
        inside_end = child_end if end is None else min(end, child_end)
        if not text:
            if (child_start < begin) or (end is not None and child_start >= end):
                run.remove(child)
            continue
        if inside_end <= inside_start:
            run.remove(child)
        elif child.tag == W_T and (inside_start, inside_end) != (child_start, child_end):
            child.text = text[inside_start - child_start : inside_end - child_start]
            child.set(XML_SPACE, "preserve")


def _whole_paragraph(paragraph: etree._Element) -> list[etree._Element]:
    return [piece.run for piece in _pieces(paragraph)]
