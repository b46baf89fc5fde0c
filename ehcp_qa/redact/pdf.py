"""A PDF plan's redacted copy, rendered as .docx (or plain text) from the reader's blocks.

Why not a redacted PDF: removing text from a PDF safely means rewriting its content streams. pypdfium2 can remove
or replace whole text objects and regenerate a page, but a text object often holds a whole line in a subset font
(the replacement label may have no glyphs), the old stream stays in the file as an orphan object unless the file is
rewritten and garbage-collected (qpdf/pikepdf, not a dependency), and the document info, XMP metadata, outlines,
annotations and form fields would each need their own cleaning. A miss there is a data breach about a child, so the
plan's text is rendered instead: same headings, paragraphs, lists and tables, in reading order; the page layout,
pictures and running headers/footers are not kept. The report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

import docx
from docx.document import Document as DocxDocument

from ehcp_qa.model import Block
from ehcp_qa.redact.docx import Place, Tally
from ehcp_qa.redact.identify import Redactor

RENDERING_NOTE = (
    "PDF input: its text cannot be removed from the PDF safely with the libraries available, so the plan's text "
    "was rendered with the same headings, paragraphs and tables; page layout, pictures and running headers and "
    "footers are not kept"
)
NOTICE = "Redacted copy rendered from a PDF plan: page layout not kept."


def redact_blocks(
    blocks: Sequence[Block], redactor: Redactor, tally: Tally, section_of_block: dict[int, str]
) -> list[Block]:
    """The blocks with their text redacted, counting hits and doubts by page, block and section."""
    redacted: list[Block] = []
    for block in blocks:
        text, hits, doubts = redactor.redact(block.text)
        place = Place("", block.location.index, section_of_block.get(block.location.index), block.location.page)
        tally.record(hits, doubts, place)
        redacted.append(Block(text, block.kind, block.location, block.style, block.bold, block.font_size))
    return redacted


def _table_key(block: Block) -> int | None:
    return block.location.table if block.kind == "table_cell" else None


def _add_table(document: DocxDocument, cells: list[Block]) -> None:
    rows = max((cell.location.row or 0) for cell in cells) + 1
    columns = max((cell.location.cell or 0) for cell in cells) + 1
    table = document.add_table(rows=rows, cols=columns)
    table.style = "Table Grid"
    filled: set[tuple[int, int]] = set()
    for cell in cells:
        position = (cell.location.row or 0, cell.location.cell or 0)
        target = table.cell(*position)
        if position in filled:
            target.add_paragraph(cell.text)
        else:
            target.paragraphs[0].text = cell.text
            filled.add(position)


def write_docx(blocks: Sequence[Block], out: Path) -> None:
    document = docx.Document()
    document.core_properties.author = ""
    document.core_properties.last_modified_by = ""
    document.core_properties.comments = ""
    document.add_paragraph().add_run(NOTICE).italic = True
    for table, group in groupby(blocks, key=_table_key):
        members = list(group)
        if table is not None:
            _add_table(document, members)
            continue
        for block in members:
            if block.kind == "heading":
                document.add_heading(block.text, level=1)
            elif block.kind == "list_item":
                document.add_paragraph(block.text, style="List Bullet")
            else:
                document.add_paragraph(block.text)
    document.save(str(out))


def write_text(blocks: Sequence[Block], out: Path) -> None:
    lines = [NOTICE, ""]
    for table, group in groupby(blocks, key=_table_key):
        members = list(group)
        if table is None:
            lines.extend(f"- {block.text}" if block.kind == "list_item" else block.text for block in members)
        else:
            for _, row in groupby(members, key=lambda block: block.location.row):
                lines.append(" | ".join(block.text for block in row))
        lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")
