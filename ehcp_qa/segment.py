"""Blocks -> Plan: find the statutory section headings, whatever the template, and give each block its section.

A heading is recognised by its letter ("Section B", "3. SECTION B - ...", "(Section B)") or, when it names no
letter, by its wording against rules/sections.yaml (near-misses allowed with rapidfuzz). Missing sections are
left missing: the checks report them; nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ehcp_qa.metadata import extract_metadata
from ehcp_qa.model import Block, Document, Plan, Section
from ehcp_qa.vocabulary import Vocabulary, default_vocabulary, normalise

_LETTER = r"(h\s?\(?[12]\)?|[a-k])"
# "Section B", "3. SECTION B -", "Part 2: Section B", "Sections E and F" at the start of a heading.
_LEADING_SECTION = re.compile(
    rf"^\s*(?:(?:\d{{1,2}}|[ivx]{{1,4}})\s*[.):]?\s*[-–—]?\s*)?(?:part\s+\d{{1,2}}\s*[-–—:.]?\s*)?"
    rf"sections?\s+{_LETTER}(?:\s*(?:and|&|/|,|\+)\s*{_LETTER})?\b(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "Part 2 - My special educational needs (Section B)"
_BRACKETED_SECTION = re.compile(rf"[(\[]\s*sections?\s+{_LETTER}\s*[)\]]\s*$", re.IGNORECASE)
# "H1:" / "H2 -" opening a part of an undivided Section H.
_H_PART = re.compile(r"^\s*h\s?\(?([12])\)?\s*(?:[:.\-–—)]|$)(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
# What may follow the letter in a real heading: nothing, a separator, or title words (checked against titles).
_SEPARATOR = re.compile(r"^\s*(?:[:.\-–—)]|$)")
_NUMBERING = re.compile(
    r"^\s*(?:(?:\d{1,2}|[ivx]{1,4})\s*[.):]\s*|part\s+\d{1,2}\s*[-–—:.]?\s*)", re.IGNORECASE
)

MAX_HEADING_WORDS = 40  # the statutory wording of H1 runs to about 30 words
MAX_UNLETTERED_WORDS = 14
TITLE_SIMILARITY = 88  # rapidfuzz ratio (0-100) for a heading without a letter to match a known title
COMBINABLE = frozenset({"B", "E", "F"})  # sections whose tables may hold Need | Outcome | Provision columns


@dataclass(frozen=True)
class HeadingMatch:
    ids: tuple[str, ...]  # usually one; two for a combined heading such as "Sections E and F"
    title: str


def _section_id(letter: str) -> str:
    return re.sub(r"[^A-K12]", "", letter.upper())


def _looks_like_heading(block: Block) -> bool:
    """Styled as a heading, bold, a table's first cell, or a short line with no closing punctuation."""
    if block.kind == "heading" or block.bold or block.style.lower().startswith(("heading", "title")):
        return True
    if block.kind == "table_cell":
        return block.location.cell == 0  # a column header such as "Provision" is not a section heading
    return not block.text.rstrip().endswith((".", ",", ";"))


def _title_section(text: str, vocabulary: Vocabulary) -> str | None:
    """The section whose known title this heading text is, or contains as a whole phrase."""
    normal = normalise(_NUMBERING.sub("", text))
    if not normal:
        return None
    choices = [title for title, _ in vocabulary.titles]
    best = process.extractOne(normal, choices, scorer=fuzz.ratio, score_cutoff=TITLE_SIMILARITY)
    if best is not None:
        return vocabulary.titles[best[2]][1]
    padded = f" {normal} "
    contained = [
        (len(title), section_id)
        for title, section_id in vocabulary.titles
        if title.count(" ") >= 2 and f" {title} " in padded
    ]
    return max(contained)[1] if contained else None


def match_heading(block: Block, vocabulary: Vocabulary) -> HeadingMatch | None:
    """The section(s) this block opens, or None when it is body text."""
    text = block.text.strip()
    words = len(text.split())
    if not text or words > MAX_HEADING_WORDS:
        return None
    leading = _LEADING_SECTION.match(text)
    if leading:
        rest = leading.group("rest")
        # "Section F will be reviewed..." is a sentence about a section, not its heading.
        if _SEPARATOR.match(rest) or _title_section(rest, vocabulary) or _looks_like_heading(block):
            ids = tuple(_section_id(letter) for letter in leading.groups()[:2] if letter)
            return HeadingMatch(ids=ids, title=text)
        return None
    bracketed = _BRACKETED_SECTION.search(text)
    if bracketed and _looks_like_heading(block):
        return HeadingMatch(ids=(_section_id(bracketed.group(1)),), title=text)
    if words <= MAX_UNLETTERED_WORDS and _looks_like_heading(block):
        section_id = _title_section(text, vocabulary)
        if section_id:
            return HeadingMatch(ids=(section_id,), title=text)
    return None


def _h_part(block: Block, current: str | None) -> tuple[str, bool] | None:
    """("H1" or "H2", whether the block also holds content) for an "H1:" part inside Section H."""
    if current not in ("H", "H1", "H2"):
        return None
    part = _H_PART.match(block.text)
    if not part:
        return None
    rest = part.group("rest").strip()
    return f"H{part.group(1)}", len(rest.split()) > 12 or rest.endswith(".")


def _column_section(header: str, vocabulary: Vocabulary) -> str | None:
    padded = f" {normalise(header)} "
    for section_id, words in vocabulary.columns:
        if any(f" {word} " in padded for word in words):
            return section_id
    return None


def _column_roles(table_blocks: Sequence[Block], vocabulary: Vocabulary) -> tuple[int, dict[int, str]] | None:
    """(header row, {cell: section}) when a table's header row splits it across sections, e.g. E and F."""
    first_rows = sorted({b.location.row for b in table_blocks if b.location.row is not None})[:2]
    for row in first_rows:
        cells = [b for b in table_blocks if b.location.row == row]
        if len(cells) < 2 or any(len(b.text.split()) > 6 for b in cells):
            continue
        roles = {
            b.location.cell: s
            for b in cells
            if (s := _column_section(b.text, vocabulary)) and b.location.cell is not None
        }
        if len(set(roles.values())) >= 2:
            return row, roles
    return None


class _Builder:
    """Collects blocks per section in order of first appearance; a section named twice keeps one entry."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.titles: dict[str, str] = {}
        self.blocks: dict[str, list[Block]] = {}
        self.preamble: list[Block] = []

    def open(self, section_id: str, title: str) -> None:
        if section_id not in self.blocks:
            self.order.append(section_id)
            self.blocks[section_id] = []
            self.titles[section_id] = title
        elif not self.blocks[section_id]:
            # A contents page names the section before the real heading does: keep the real title.
            self.titles[section_id] = title

    def add(self, section_id: str | None, block: Block) -> None:
        if section_id is None:
            self.preamble.append(block)
        else:
            self.open(section_id, self.titles.get(section_id, section_id))
            self.blocks[section_id].append(block)

    def sections(self) -> tuple[Section, ...]:
        # An undivided "Section H" heading whose parts H1/H2 were found is only their wrapper.
        split_h = "H" in self.blocks and not self.blocks["H"] and ({"H1", "H2"} & self.blocks.keys())
        return tuple(
            Section(id=s, title=self.titles[s], blocks=tuple(self.blocks[s]))
            for s in self.order
            if not (s == "H" and split_h)
        )


def _tables(blocks: Iterable[Block]) -> dict[int, list[Block]]:
    tables: dict[int, list[Block]] = {}
    for block in blocks:
        if block.location.table is not None:
            tables.setdefault(block.location.table, []).append(block)
    return tables


def segment(document: Document, vocabulary: Vocabulary | None = None) -> Plan:
    vocabulary = vocabulary or default_vocabulary()
    tables = _tables(document.blocks)
    roles_cache: dict[int, tuple[int, dict[int, str]] | None] = {}
    builder = _Builder()
    current: str | None = None
    combined = False  # the current heading named several sections ("Sections E and F")

    for block in document.blocks:
        table = block.location.table
        if table is not None and (combined or current in COMBINABLE):
            if table not in roles_cache:
                roles_cache[table] = _column_roles(tables[table], vocabulary)
            roles = roles_cache[table]
            if roles is not None:
                header_row, by_cell = roles
                if block.location.row == header_row:
                    continue  # column labels, not plan content
                column_section = by_cell.get(block.location.cell) if block.location.cell is not None else None
                builder.add(column_section or current, block)
                continue

        h_part = _h_part(block, current)
        if h_part:
            current, holds_content = h_part
            builder.open(current, block.text.strip() if not holds_content else current)
            if holds_content:
                builder.add(current, block)
            continue

        heading = match_heading(block, vocabulary)
        if heading:
            for section_id in heading.ids:
                builder.open(section_id, heading.title)
            current, combined = heading.ids[0], len(heading.ids) > 1
            continue
        builder.add(current, block)

    return Plan(
        path=document.path,
        kind=document.kind,
        metadata=extract_metadata(builder.preamble, document.blocks, vocabulary),
        sections=builder.sections(),
        preamble=tuple(builder.preamble),
        page_count=document.page_count,
    )
