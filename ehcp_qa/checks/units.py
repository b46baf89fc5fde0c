"""Which blocks of a section are statements to check, and which other blocks belong with them.

Headings, column labels, lead-ins ("The following provision will be made:") and an amended plan's notes on its
history ("No change at annual review.") are not provision or outcomes themselves; a table row's other cells
(Frequency, Who) belong with its main cell; a lead-in ending in a colon belongs with the list that follows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ehcp_qa.model import Block, Section

# "No change at annual review.", "Amended following the annual review on 11 February 2025.": an amended plan's note
# on its own history, not provision, an outcome or a statement of needs.
_AMENDMENT_NOTE = re.compile(
    r"^\s*(?:no changes?|unchanged|amended|updated|added|removed|deleted)\b[^.]{0,80}\b(?:annual review|amendment|"
    r"amended plan|review meeting)\b[^.]{0,40}\.?\s*$"
    r"|^\s*(?:reviewed|checked|updated)\b[^.]{0,40}[–—-]\s*(?:no changes?|unchanged)\.?\s*$",
    re.IGNORECASE,
)
LABEL_MAX_WORDS = 8  # "Communication and interaction", "Outcome 1", "Weekly": labels, not statements
SUBHEADING_MAX_WORDS = 6
_STATEMENT_WORDS = frozenset(
    (
        "will",
        "can",
        "could",
        "should",
        "must",
        "would",
        "may",
        "might",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "to",
    )
)


@dataclass(frozen=True)
class Unit:
    """A statement to check (`block`) and the blocks that complete it (`context`: row cells, lead-in)."""

    block: Block
    context: tuple[Block, ...] = ()


def is_label(block: Block) -> bool:
    """A heading or a short label ("Communication and interaction", "Weekly, 30 minutes") rather than a
    statement: a few words, no closing full stop, no verb that makes a statement ("will", "is", "to")."""
    text = block.text.strip()
    if block.kind == "heading" or not text:
        return True
    words = text.split()
    if len(words) > LABEL_MAX_WORDS or text.endswith((".", "!", "?")):
        return False
    return not any(word.strip(",;:()").lower() in _STATEMENT_WORDS for word in words)


def is_subheading(block: Block) -> bool:
    """A heading inside a section ("Communication and interaction"): a title, not plan content."""
    text = block.text.strip()
    if block.kind == "heading" or not text:
        return True
    return block.kind != "table_cell" and block.bold and len(text.split()) <= SUBHEADING_MAX_WORDS


def is_amendment_note(block: Block) -> bool:
    return bool(_AMENDMENT_NOTE.match(block.text))


def is_lead_in(block: Block) -> bool:
    return block.text.rstrip().endswith(":")


def row_key(block: Block) -> tuple[int, int] | None:
    location = block.location
    return (location.table, location.row) if location.table is not None and location.row is not None else None


def table_rows(blocks: Iterable[Block]) -> dict[tuple[int, int], list[Block]]:
    """Blocks grouped by (table, row)."""
    rows: dict[tuple[int, int], list[Block]] = {}
    for block in blocks:
        key = row_key(block)
        if key is not None:
            rows.setdefault(key, []).append(block)
    return rows


def units(section: Section, rows: dict[tuple[int, int], list[Block]] | None = None) -> Iterator[Unit]:
    """Each statement with its context: the other cells of its table row (`rows`, default this section's rows;
    pass rows across sections when a table spans them) and the lead-in or label line above a list."""
    rows = table_rows(section.blocks) if rows is None else rows
    lead_in: Block | None = None
    for block in section.blocks:
        if is_amendment_note(block):
            continue
        if is_lead_in(block) or (is_label(block) and block.kind != "table_cell"):
            lead_in = block
            continue
        if is_label(block):
            continue
        key = row_key(block)
        if key is not None:
            context = tuple(other for other in rows.get(key, []) if other.location.cell != block.location.cell)
            yield Unit(block, context)
        else:
            yield Unit(block, (lead_in,) if lead_in is not None else ())
            if block.kind == "paragraph" and not _continues_list(block):
                lead_in = None


def _continues_list(block: Block) -> bool:
    """A paragraph after a lead-in keeps the lead-in only while it reads as a list item (short, no full stop)."""
    return len(block.text.split()) <= 12 and not block.text.rstrip().endswith(".")
