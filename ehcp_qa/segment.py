"""Blocks -> Plan: find the statutory section headings, whatever the template, and give each block its section.

A heading is recognised by its letter ("Section B", "3. SECTION B - ...", "(Section B)") or, when it names no
letter, by its wording against rules/sections.yaml (near-misses allowed with rapidfuzz). Missing sections are
left missing: the checks report them; nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from ehcp_qa.metadata import extract_metadata
from ehcp_qa.model import Block, Document, Plan, Section
from ehcp_qa.vocabulary import Concepts, Vocabulary, default_vocabulary, normalise

_LETTER = r"(h\s?\(?[12]\)?|[a-k])"
# "Section B", "3. SECTION B -", "Part 2: Section B", "Sections E and F" at the start of a heading.
_LEADING_SECTION = re.compile(
    rf"^\s*(?:(?:\d{{1,2}}|[ivx]{{1,4}})\s*[.):]?\s*[-–—]?\s*)?(?:part\s+\d{{1,2}}\s*[-–—:.]?\s*)?"
    rf"sections?\s+{_LETTER}(?:\s*(?:and|&|/|,|\+)\s*{_LETTER})?\b(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "Part 2 - My special educational needs (Section B)", "What help will I get? (F)", "(Sections H1 and H2)",
# "My health (part C of my plan)"
_BRACKETED_SECTION = re.compile(
    rf"[(\[]\s*(?:(?:sections?|part)\s+)?{_LETTER}(?:\s*(?:and|&|/|,)\s*{_LETTER})?"
    rf"(?:\s+of\s+(?:my|the|this|your)\s+plan)?\s*[)\]]\s*$",
    re.IGNORECASE,
)
# "C. Health needs", "H1) Other social care", "(H1) Social care provision", "C and G<tab>Health": letters, a
# separator (a tab in Word's "letter, tab, title" headings), then a title.
_LETTER_FIRST = re.compile(
    rf"^\s*[(\[]?{_LETTER}(?:\s*(?:and|&|/)\s*{_LETTER})?(?:\s*[.):\]\-–—]\s+|\t+)(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "My health – Section C", "Where I will study: Section I": the letter after the title.
_SECTION_LAST = re.compile(
    rf"(?:\s*[:,|]|\s[-–—])\s*sections?\s+{_LETTER}(?:\s*(?:and|&|/|,)\s*{_LETTER})?\s*$", re.IGNORECASE
)
# A Word heading "H1<tab>Social care provision ..." (read with the tab as a space): a capital letter, a space and
# a capitalised title. Only for heading styles: in a paragraph "I Like ..." is more likely the pronoun.
_LETTER_SPACED = re.compile(r"^\s*(H[12]|[A-K])(?:\s+(?:and|&)\s+(H[12]|[A-K]))?\s+(?P<rest>[A-Z][a-z].*)$", re.DOTALL)
# A bare letter in a heading box ("H1" in a narrow coloured cell, the title in the next cell).
_BARE_LETTER = re.compile(r"^\s*(H[12]|[A-K])\s*[.:]?\s*$")
# A Word heading "Social care needs<tab>D" (the letter set against the right margin, read with a space).
_LETTER_AFTER = re.compile(r"^(?P<rest>[A-Z]\S*\s+.*\S)\s+(H[12]|[A-K])\s*$", re.DOTALL)
# "Health provision (Section G)": a column header naming its section.
_SECTION_NAMED = re.compile(rf"\bsection\s+{_LETTER}\b", re.IGNORECASE)
# "H1:" / "H2 -" opening a part of an undivided Section H.
_H_PART = re.compile(r"^\s*h\s?\(?([12])\)?\s*(?:[:.\-–—)]|$)(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
# What may follow the letter in a real heading: nothing, a separator, or title words (checked against titles).
_SEPARATOR = re.compile(r"^\s*(?:[:.\-–—)]|$)")
# "Social care advice: Early Help assessment, April 2025" is a labelled line of content, not a heading.
_LABELLED_VALUE = re.compile(r"^\s*(?!part\s+\d)[A-Za-z][^:]{2,60}:\s+\S", re.IGNORECASE)
_NUMBERING = re.compile(r"^\s*(?:(?:\d{1,2}|[ivx]{1,4})\s*[.):]\s*|part\s+\d{1,2}\s*[-–—:.]?\s*)", re.IGNORECASE)

MAX_HEADING_WORDS = 40  # the statutory wording of H1 runs to about 30 words
MAX_UNLETTERED_WORDS = 14
SHORT_TITLE_WORDS = 4
COLUMN_LABEL_WORDS = 4
NAMED_LABEL_WORDS = 10
SUBHEADING_WORDS = 8
NO_LEVEL = 99  # not a Word heading style: no level to compare
_HEADING_LEVEL = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)  # "Who provides it and how often (Section G)"
TITLE_SIMILARITY = 88  # rapidfuzz ratio (0-100) for a heading without a letter to match a known title
COMBINABLE = frozenset({"B", "E", "F"})  # sections whose tables may hold Need | Outcome | Provision columns


@dataclass(frozen=True)
class HeadingMatch:
    ids: tuple[str, ...]  # usually one; two for a combined heading such as "Sections E and F"
    title: str
    # Found by wording alone (a phrase or concept, no letter or known title): could be a sub-heading, so it
    # may open a section not seen yet but never sends text back to an earlier one.
    weak: bool = False
    by_letter: bool = False  # the heading names its letter: always a section heading


def _section_ids(*letters: str | None) -> tuple[str, ...]:
    ids = tuple(re.sub(r"[^A-K12]", "", letter.upper()) for letter in letters if letter)
    return ("H",) if set(ids) == {"H1", "H2"} else ids  # "Sections H1 and H2" under one heading: undivided


def _looks_like_heading(block: Block) -> bool:
    """Styled as a heading, bold, a table's first cell, or a short line with no closing punctuation."""
    if block.kind == "heading" or block.bold or block.style.lower().startswith(("heading", "title")):
        return True
    if block.kind == "table_cell":
        return block.location.cell == 0  # a column header such as "Provision" is not a section heading
    return not block.text.rstrip().endswith((".", ",", ";"))


def _letter_first_heading(block: Block, found: re.Match[str], vocabulary: Vocabulary) -> bool:
    """Letters first and then a title are a heading when the title is a known one or short and styled, or when a
    styled heading names two sections ("C and G Health needs and health provision")."""
    rest = found.group("rest")
    if _title_section(rest, vocabulary) or _short_title(block, rest):
        return True
    styled = block.kind == "heading" or block.bold
    return styled and found.group(2) is not None


def _short_title(block: Block, rest: str) -> bool:
    """A capital letter and a few title words, styled as a heading or in a table's first cell ("I. School"): a
    council's own short title. A lower-case "a) Reading" is a list item, not a section."""
    styled = block.kind == "heading" or block.bold or (block.kind == "table_cell" and block.location.cell == 0)
    letter = block.text.lstrip(" ([")[:1]
    return styled and letter.isupper() and len(rest.split()) <= SHORT_TITLE_WORDS and not rest.rstrip().endswith(".")


def _has_phrase(padded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in padded for phrase in phrases)


def _concept_section(padded: str, concepts: Concepts) -> str | None:
    """ "Support for my learning" -> F: one domain and one kind, or one single-concept phrase."""
    domains = {domain for domain, words in concepts.domains if _has_phrase(padded, words)}
    kinds = {kind for kind, words in concepts.kinds if _has_phrase(padded, words)}
    if len(domains) == 1 and len(kinds) == 1:
        paired = dict(concepts.pairs).get((domains.pop(), kinds.pop()))
        if paired:
            return paired
    singles = {section_id for section_id, phrases in concepts.single if _has_phrase(padded, phrases)}
    return singles.pop() if len(singles) == 1 else None


def _title_section(text: str, vocabulary: Vocabulary) -> tuple[str, bool] | None:
    """(section id, weak) for heading text that is a known title, contains one, or names its concepts."""
    normal = normalise(_NUMBERING.sub("", text))
    if not normal:
        return None
    choices = [title for title, _ in vocabulary.titles]
    best = process.extractOne(normal, choices, scorer=fuzz.ratio, score_cutoff=TITLE_SIMILARITY)
    if best is not None:
        return vocabulary.titles[best[2]][1], False
    padded = f" {normal} "
    if _has_phrase(padded, vocabulary.concepts.not_headings):
        return None  # "Special Educational Needs Service" on a title page
    contained = [
        (len(title), section_id)
        for title, section_id in vocabulary.titles
        if title.count(" ") >= 2 and f" {title} " in padded
    ]
    if contained:
        return max(contained)[1], True
    concept = _concept_section(padded, vocabulary.concepts)
    return (concept, True) if concept else None


def match_heading(block: Block, vocabulary: Vocabulary) -> HeadingMatch | None:
    """The section(s) this block opens, or None when it is body text."""
    text = block.text.strip()
    words = len(text.split())
    if not text or words > MAX_HEADING_WORDS:
        return None
    leading = _LEADING_SECTION.match(text)
    if leading:
        rest = leading.group("rest")
        # "Section F will be reviewed..." or "Section C sets out his health needs." is a sentence about a
        # section, not its heading, even when it holds a title's words.
        title = _title_section(rest, vocabulary)
        about_section = rest.strip()[:1].islower() and rest.rstrip().endswith(".")
        if _SEPARATOR.match(rest) or (title and not (title[1] and about_section)) or _looks_like_heading(block):
            return HeadingMatch(ids=_section_ids(*leading.groups()[:2]), title=text, by_letter=True)
        return None
    if not _looks_like_heading(block):
        return None
    bare = _BARE_LETTER.match(text)
    if bare and (block.kind == "heading" or (block.bold and block.location.cell == 0)):
        return HeadingMatch(ids=_section_ids(bare.group(1)), title=text, by_letter=True)
    trailing = _BRACKETED_SECTION.search(text) or _SECTION_LAST.search(text)
    if trailing:
        return HeadingMatch(ids=_section_ids(*trailing.groups()[:2]), title=text, by_letter=True)
    letter_after = _LETTER_AFTER.match(text) if block.kind == "heading" else None
    if letter_after:
        return HeadingMatch(ids=_section_ids(letter_after.group(2)), title=text, by_letter=True)
    letter_first = _LETTER_FIRST.match(text) or (_LETTER_SPACED.match(text) if block.kind == "heading" else None)
    if letter_first and _letter_first_heading(block, letter_first, vocabulary):
        return HeadingMatch(ids=_section_ids(*letter_first.groups()[:2]), title=text, by_letter=True)
    styled = block.kind == "heading" or block.bold
    # A table's first cell may be a title ("Social care needs"), but one that ends a sentence ("Harvey will
    # continue to receive support from his learning support assistant.") is a row of the table.
    sentence = not styled and text.endswith(".")
    if (
        words <= MAX_UNLETTERED_WORDS
        and block.kind != "list_item"
        and not sentence
        and (styled or not _LABELLED_VALUE.match(text))
    ):
        found = _title_section(text, vocabulary)
        if found:
            return HeadingMatch(ids=(found[0],), title=text, weak=found[1])
    return None


def _h_part(block: Block, current: str | None) -> tuple[str, bool] | None:
    """("H1" or "H2", whether the block also holds content) for an "H1:" part inside Section H. A bold line is
    the part's title, however long ("H1: Social care provision under section 2 of the Chronically Sick ...")."""
    if current not in ("H", "H1", "H2"):
        return None
    part = _H_PART.match(block.text)
    if not part:
        return None
    rest = part.group("rest").strip()
    holds_content = not block.bold and (len(rest.split()) > 12 or rest.endswith("."))
    return f"H{part.group(1)}", holds_content


def _column_section(header: str, vocabulary: Vocabulary) -> str | None:
    """The section a column holds: the one its header names ("Health provision (Section G)"), or the first whose
    column words it uses ("Outcome", "How often")."""
    named = _SECTION_NAMED.search(header)
    if named:
        return _section_ids(named.group(1))[0]
    padded = f" {normalise(header)} "
    for section_id, words in vocabulary.columns:
        if any(f" {word} " in padded for word in words):
            return section_id
    return None


@dataclass(frozen=True)
class TableRoles:
    """How a combined outcomes-and-provision table splits across sections.

    Either by column, under a header row (Need | Outcome | Provision | Who), or by row, under labels down the
    first column (Outcome / Steps towards it / Provision / Who / How often). Label cells are structure, not
    content; a cell with no role stays in the section the table is in.
    """

    by_cell: Mapping[int, str] = field(default_factory=dict)
    by_row: Mapping[int, str] = field(default_factory=dict)
    header_row: int | None = None

    def is_label(self, block: Block) -> bool:
        row, cell = block.location.row, block.location.cell
        return row == self.header_row or (bool(self.by_row) and cell == 0 and row in self.by_row)

    def section_of(self, block: Block) -> str | None:
        key = block.location.row if self.by_row else block.location.cell
        return None if key is None else (self.by_row or self.by_cell).get(key)


def _splits_outcomes_from_provision(roles: Mapping[int, str], labels: Sequence[Block]) -> bool:
    # Only a table with both an outcome and a provision part is split: in a provision table under F, an
    # "Area of need" column labels the provision and stays in F. Headers that name their sections ("Health need
    # (Section C) | Health provision (Section G)") split any table.
    named = all(_SECTION_NAMED.search(b.text) for b in labels if b.text.strip())
    return {"E", "F"} <= set(roles.values()) or (named and len(set(roles.values())) >= 2)


def _label_roles(labels: Sequence[Block], key: str, vocabulary: Vocabulary) -> dict[int, str]:
    return {
        index: section
        for b in labels
        if len(b.text.split()) <= (NAMED_LABEL_WORDS if _SECTION_NAMED.search(b.text) else 6)
        and (index := getattr(b.location, key)) is not None
        and (section := _column_section(b.text, vocabulary))
    }


def _table_roles(table_blocks: Sequence[Block], vocabulary: Vocabulary) -> TableRoles | None:
    """The roles of a combined outcomes-and-provision table, or None for any other table."""
    first_rows = sorted({b.location.row for b in table_blocks if b.location.row is not None})[:2]
    for row in first_rows:
        cells = [b for b in table_blocks if b.location.row == row]
        if len(cells) >= 2 and not any(len(b.text.split()) > NAMED_LABEL_WORDS for b in cells):
            by_cell = _label_roles(cells, "cell", vocabulary)
            if len(by_cell) == len(cells) and _splits_outcomes_from_provision(by_cell, cells):
                return TableRoles(by_cell=by_cell, header_row=row)
    first_column = [b for b in table_blocks if b.location.cell == 0 and b.text.strip()]
    by_row = _label_roles(first_column, "row", vocabulary)
    # Every first-column label must name a role: a "Section | Content" table has section titles there instead.
    every_row_labelled = len(by_row) == len({b.location.row for b in first_column})
    splits = every_row_labelled and _splits_outcomes_from_provision(by_row, first_column)
    return TableRoles(by_row=by_row) if splits else None


def _continued_roles(
    table_blocks: Sequence[Block], previous_blocks: Sequence[Block], previous_roles: TableRoles | None
) -> TableRoles | None:
    """A table that carries straight on from a column-split one, with as many columns, keeps its columns' roles.

    PDF pages and Word documents often break one long table into two, and only the first has a header row.
    """
    if previous_roles is None or not previous_roles.by_cell:
        return None
    width = max((b.location.cell or 0 for b in table_blocks), default=0)
    previous_width = max((b.location.cell or 0 for b in previous_blocks), default=0)
    return TableRoles(by_cell=previous_roles.by_cell) if width == previous_width else None


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

    def retitle(self, section_id: str | None, words: str) -> None:
        if section_id in self.titles:
            self.titles[section_id] = f"{self.titles[section_id]} {words}"

    def seen(self, section_id: str) -> bool:
        """Whether the section (or, for H, either of its parts) has been opened already."""
        family = {"H", "H1", "H2"} if section_id in ("H", "H1", "H2") else {section_id}
        return bool(family & self.blocks.keys())

    def add(self, section_id: str | None, block: Block) -> None:
        if section_id is None:
            self.preamble.append(block)
        else:
            self.open(section_id, self.titles.get(section_id, section_id))
            self.blocks[section_id].append(block)

    def drop_column_labels(self, section_id: str | None, heading: Block) -> None:
        """A table whose first row is column labels ("Section | Details") and whose next row names a section: the
        labels head the table, like a heading, and are not the previous section's last words."""
        location = heading.location
        blocks = self.blocks.get(section_id or "", [])
        if location.table is None or not location.row:
            return
        above = 0
        while above < len(blocks) and blocks[-1 - above].location.table == location.table:
            above += 1
        labels = blocks[len(blocks) - above :]
        if labels and all(
            len(b.text.split()) <= COLUMN_LABEL_WORDS and not b.text.rstrip().endswith(".") for b in labels
        ):
            del blocks[len(blocks) - above :]

    def sections(self) -> tuple[Section, ...]:
        # An undivided "Section H" heading whose parts H1/H2 were found is only their wrapper.
        split_h = "H" in self.blocks and not self.blocks["H"] and ({"H1", "H2"} & self.blocks.keys())
        return tuple(
            Section(id=s, title=self.titles[s], blocks=tuple(self.blocks[s]))
            for s in self.order
            if not (s == "H" and split_h)
        )


def _level(block: Block) -> int:
    """A Word heading style's level ("Heading 2" -> 2); NO_LEVEL for anything else."""
    found = _HEADING_LEVEL.match(block.style)
    return int(found.group(1)) if found else NO_LEVEL


def _together(ids: tuple[str, ...]) -> tuple[str, ...]:
    return ids if len(ids) > 1 else ()


def _part_of_combined(block: Block, combined: tuple[str, ...], vocabulary: Vocabulary) -> str | None:
    """Under "Sections E and F" written as paragraphs, a sub-heading says which part follows: "Outcome 1:
    Reading" is E, "Provision for outcome 1" is F (the role word that comes first decides)."""
    text = block.text.strip()
    if not combined or not (block.bold or block.kind == "heading") or len(text.split()) > SUBHEADING_WORDS:
        return None
    padded = f" {normalise(text)} "
    found = [
        (padded.find(f" {word} "), section_id)
        for section_id, words in vocabulary.columns
        if section_id in combined
        for word in words
        if f" {word} " in padded
    ]
    return min(found)[1] if found else None


def _run_in_heading(block: Block, vocabulary: Vocabulary) -> tuple[HeadingMatch, Block] | None:
    """A paragraph opening with a bold heading ("**Section D - Social care needs.** A social worker ..."): the
    heading, and the paragraph's text after it (same place in the document, so findings still point there)."""
    if not block.bold_lead or block.location.table is not None:
        return None
    lead = block.text[: block.bold_lead].strip()
    heading = match_heading(replace(block, text=lead.rstrip(".:"), bold=True, bold_lead=0), vocabulary)
    if heading is None or not heading.by_letter:
        return None
    rest = block.text[block.bold_lead :].strip()
    return heading, replace(block, text=rest, bold_lead=0)


def _row(block: Block) -> tuple[int, int] | None:
    location = block.location
    return (location.table, location.row) if location.table is not None and location.row is not None else None


def _tables(blocks: Iterable[Block]) -> dict[int, list[Block]]:
    tables: dict[int, list[Block]] = {}
    for block in blocks:
        if block.location.table is not None:
            tables.setdefault(block.location.table, []).append(block)
    return tables


def segment(document: Document, vocabulary: Vocabulary | None = None) -> Plan:
    vocabulary = vocabulary or default_vocabulary()
    tables = _tables(document.blocks)
    roles_cache: dict[int, TableRoles | None] = {}
    builder = _Builder()
    current: str | None = None
    combined: tuple[str, ...] = ()  # the sections the current heading named together ("Sections E and F")
    previous_table: int | None = None  # the table of the block just before, if it was in one
    title_row: tuple[int, int] | None = None  # the table row of a bare-letter heading, whose other cells title it
    section_level = NO_LEVEL  # the Word heading level ("Heading 1" = 1) of the heading that opened the section

    for block in document.blocks:
        table = block.location.table
        if table is not None and (combined or current in COMBINABLE):
            if table not in roles_cache:
                roles_cache[table] = _table_roles(tables[table], vocabulary) or _continued_roles(
                    tables[table], tables.get(previous_table, ()), roles_cache.get(previous_table)
                )
            roles = roles_cache[table]
            previous_table = table
            if roles is not None:
                if not roles.is_label(block):
                    builder.add(roles.section_of(block) or current, block)
                continue

        previous_table = table
        h_part = _h_part(block, current)
        if h_part:
            builder.drop_column_labels(current, block)
            current, holds_content = h_part
            builder.open(current, block.text.strip() if not holds_content else current)
            if holds_content:
                builder.add(current, block)
            title_row = _row(block) if _BARE_LETTER.match(block.text) else None
            continue

        run_in = _run_in_heading(block, vocabulary)
        if run_in is not None:
            heading, block = run_in
            for section_id in heading.ids:
                builder.open(section_id, heading.title)
            current, combined, title_row = heading.ids[0], _together(heading.ids), None
            builder.add(current, block)
            continue
        heading = match_heading(block, vocabulary)
        if (
            heading
            and not heading.by_letter
            and (
                heading.ids == (current,)
                or (heading.weak and builder.seen(heading.ids[0]))
                or (heading.weak and _level(block) > section_level)
            )
        ):
            # A sub-heading ("About me" inside section A; "Work placement", a Heading 2 under a Heading 1 section
            # title) or an echo of an earlier section: body text.
            heading = None
        if heading:
            builder.drop_column_labels(current, block)
            for section_id in heading.ids:
                builder.open(section_id, heading.title)
            current, combined = heading.ids[0], _together(heading.ids)
            section_level = _level(block)
            title_row = _row(block) if _BARE_LETTER.match(block.text) else None
            continue
        if title_row is not None and _row(block) == title_row:
            builder.retitle(current, block.text.strip())  # the title beside a bare letter: "H1 | Social care ..."
            continue
        title_row = None
        current = _part_of_combined(block, combined, vocabulary) or current
        builder.add(current, block)

    return Plan(
        path=document.path,
        kind=document.kind,
        metadata=extract_metadata(builder.preamble, document.blocks, vocabulary),
        sections=builder.sections(),
        preamble=tuple(builder.preamble),
        page_count=document.page_count,
    )
