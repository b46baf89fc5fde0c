"""Readers: .docx and PDF plans become blocks in reading order, furniture kept apart, input never changed.

Documents are built inside the tests: .docx with python-docx (plus raw WordprocessingML where python-docx has
no API: content controls, tracked changes, fields, text boxes), PDFs with pypdfium2's page-object API (standard
Helvetica fonts and stroked lines, so layout is known to the point).
"""

from __future__ import annotations

import ctypes
import hashlib
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.oxml.text.paragraph import CT_P
from docx.shared import Pt

from ehcp_qa.model import Block, Document
from ehcp_qa.read import read_document
from ehcp_qa.read.docx import iter_paragraphs

W = nsdecls("w")
PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0


def read_unchanged(path: Path) -> Document:
    """Read a document and check that reading left the file's bytes exactly as they were."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    document = read_document(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return document


def texts(document: Document) -> list[str]:
    return [block.text for block in document.blocks]


def by_text(document: Document, text: str) -> Block:
    matches = [block for block in document.blocks if block.text == text]
    assert len(matches) == 1, f"{text!r} found {len(matches)} times in {texts(document)}"
    return matches[0]


def append_body_xml(document: docx.document.Document, xml: str) -> None:
    """Add raw WordprocessingML to the end of the body (before the final section properties)."""
    document.element.body.sectPr.addprevious(parse_xml(xml))


def save(document: docx.document.Document, path: Path) -> Path:
    document.save(str(path))
    return path


# --- .docx -----------------------------------------------------------------------------------------------------


def test_docx_blocks_in_body_order_with_kinds_styles_and_indexes(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Education, Health and Care Plan", 0)
    document.add_heading("Section A: About me", 1)
    document.add_paragraph("I   like\u00a0trains,  and drawing. ")
    document.add_paragraph("")  # empty paragraphs make no block
    document.add_paragraph("Bullet item", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Name"
    table.cell(0, 1).text = "Sam Example"
    document.add_heading("Section B: Needs", 2)
    result = read_unchanged(save(document, tmp_path / "plan.docx"))

    assert result.kind == "docx"
    assert texts(result) == [
        "Education, Health and Care Plan",
        "Section A: About me",
        "I like trains, and drawing.",
        "Bullet item",
        "Name",
        "Sam Example",
        "Section B: Needs",
    ]
    assert [block.kind for block in result.blocks] == [
        "heading",
        "heading",
        "paragraph",
        "list_item",
        "table_cell",
        "table_cell",
        "heading",
    ]
    assert [block.location.index for block in result.blocks] == list(range(7))
    assert [block.style for block in result.blocks[:4]] == ["Title", "Heading 1", "Normal", "List Bullet"]
    assert (by_text(result, "Sam Example").location.table, by_text(result, "Sam Example").location.cell) == (0, 1)


def test_docx_numbering_in_paragraph_or_style_makes_a_list_item(tmp_path: Path) -> None:
    document = docx.Document()
    append_body_xml(
        document,
        f'<w:p {W}><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
        "<w:r><w:t>Numbered in the paragraph</w:t></w:r></w:p>",
    )
    append_body_xml(
        document,
        f'<w:p {W}><w:pPr><w:pStyle w:val="ListNumber"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>'
        "<w:r><w:t>Numbering switched off</w:t></w:r></w:p>",
    )
    document.add_paragraph("Plain")
    result = read_unchanged(save(document, tmp_path / "lists.docx"))

    assert by_text(result, "Numbered in the paragraph").kind == "list_item"
    # "List Number" is a List style by name, so it stays a list item even with its numbering removed.
    assert by_text(result, "Numbering switched off").kind == "list_item"
    assert by_text(result, "Plain").kind == "paragraph"


def test_docx_tables_numbered_in_document_order_with_nesting_and_merged_cells_once(tmp_path: Path) -> None:
    document = docx.Document()
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "Outer 0 0"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Inner 0 0"
    inner.cell(0, 1).text = "Inner 0 1"
    merged = outer.cell(1, 0).merge(outer.cell(1, 1))
    merged.text = "Merged across"
    later = document.add_table(rows=3, cols=2)
    later.cell(0, 0).merge(later.cell(1, 0)).text = "Merged down"
    later.cell(2, 1).text = "Last"
    result = read_unchanged(save(document, tmp_path / "tables.docx"))

    def place(text: str) -> tuple[int | None, int | None, int | None]:
        location = by_text(result, text).location
        return location.table, location.row, location.cell

    assert texts(result) == ["Outer 0 0", "Inner 0 0", "Inner 0 1", "Merged across", "Merged down", "Last"]
    assert place("Outer 0 0") == (0, 0, 0)
    assert place("Inner 0 0") == (1, 0, 0)
    assert place("Inner 0 1") == (1, 0, 1)
    assert place("Merged across") == (0, 1, 0)
    assert place("Merged down") == (2, 0, 0)
    assert place("Last") == (2, 2, 1)
    assert {block.kind for block in result.blocks} == {"table_cell"}


def test_docx_content_controls_at_block_row_cell_and_run_level(tmp_path: Path) -> None:
    document = docx.Document()
    append_body_xml(
        document,
        f"<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Block control</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    )
    append_body_xml(
        document,
        f'<w:p {W}><w:r><w:t xml:space="preserve">Name: </w:t></w:r>'
        "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>Sam Example</w:t></w:r></w:sdtContent></w:sdt></w:p>",
    )
    append_body_xml(
        document,
        f"<w:tbl {W}><w:tr><w:tc><w:p><w:r><w:t>Plain cell</w:t></w:r></w:p></w:tc>"
        "<w:sdt><w:sdtContent><w:tc><w:p><w:r><w:t>Cell control</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt>"
        "</w:tr><w:sdt><w:sdtContent><w:tr><w:tc><w:p><w:r><w:t>Row control</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:sdtContent></w:sdt></w:tbl>",
    )
    result = read_unchanged(save(document, tmp_path / "controls.docx"))

    assert texts(result) == ["Block control", "Name: Sam Example", "Plain cell", "Cell control", "Row control"]
    assert (by_text(result, "Cell control").location.row, by_text(result, "Cell control").location.cell) == (0, 1)
    assert (by_text(result, "Row control").location.row, by_text(result, "Row control").location.cell) == (1, 0)


def test_docx_tracked_insertions_kept_and_deletions_dropped(tmp_path: Path) -> None:
    document = docx.Document()
    append_body_xml(
        document,
        f'<w:p {W}><w:r><w:t xml:space="preserve">Sam receives </w:t></w:r>'
        '<w:del w:id="1" w:author="A"><w:r><w:delText>some </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A"><w:r><w:t xml:space="preserve">30 minutes of </w:t></w:r></w:ins>'
        "<w:r><w:t>speech therapy weekly.</w:t></w:r>"
        '<w:moveFrom w:id="3" w:author="A"><w:r><w:t>Moved away</w:t></w:r></w:moveFrom></w:p>',
    )
    result = read_unchanged(save(document, tmp_path / "tracked.docx"))

    assert texts(result) == ["Sam receives 30 minutes of speech therapy weekly."]


def test_docx_hidden_text_is_not_read(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Shown text.")
    paragraph.add_run(" Guidance for caseworkers: delete this.").font.hidden = True
    document.add_paragraph().add_run("Entirely hidden paragraph").font.hidden = True
    result = read_unchanged(save(document, tmp_path / "hidden.docx"))

    assert texts(result) == ["Shown text."]


def test_docx_hyperlinks_smart_tags_fields_tabs_and_breaks(tmp_path: Path) -> None:
    document = docx.Document()
    append_body_xml(
        document,
        f'<w:p {W}><w:hyperlink r:id="rId99" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><w:r><w:t>Local offer</w:t></w:r></w:hyperlink>'
        '<w:smartTag w:uri="u" w:element="place"><w:r><w:t xml:space="preserve"> in Exampleshire</w:t></w:r>'
        "</w:smartTag></w:p>",
    )
    append_body_xml(
        document,
        f'<w:p {W}><w:r><w:t xml:space="preserve">Issued </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE \\@ "d MMMM yyyy" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3 March 2025</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t xml:space="preserve"> page 4</w:t></w:r></w:fldSimple></w:p>',
    )
    append_body_xml(
        document,
        f"<w:p {W}><w:r><w:t>Need</w:t><w:tab/><w:t>Provision</w:t><w:br/><w:t>Weekly</w:t></w:r>"
        "<!-- an XML comment, which has no string tag --></w:p>",
    )
    result = read_unchanged(save(document, tmp_path / "inline.docx"))

    assert texts(result) == ["Local offer in Exampleshire", "Issued 3 March 2025 page 4", "Need Provision Weekly"]


def test_docx_text_box_read_once_after_its_anchor(tmp_path: Path) -> None:
    namespaces = (
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    box = "<w:txbxContent><w:p><w:r><w:t>What people like about me</w:t></w:r></w:p></w:txbxContent>"
    document = docx.Document()
    append_body_xml(
        document,
        f"<w:p {W} {namespaces}><w:r><w:t>Anchor paragraph</w:t></w:r><w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>",
    )
    document.add_paragraph("After the box")
    result = read_unchanged(save(document, tmp_path / "textbox.docx"))

    assert texts(result) == ["Anchor paragraph", "What people like about me", "After the box"]


def test_docx_headers_and_footers_of_every_section_go_to_furniture(tmp_path: Path) -> None:
    document = docx.Document()
    document.settings.odd_and_even_pages_header_footer = True
    first = document.sections[0]
    first.different_first_page_header_footer = True
    first.header.paragraphs[0].text = "OFFICIAL - SENSITIVE"
    first.first_page_header.paragraphs[0].text = "Title page header"
    first.even_page_header.paragraphs[0].text = "Even page header"
    first.footer.paragraphs[0].text = "Sam Example, EHC plan"
    document.add_paragraph("Body text")
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Appendix header"
    document.add_paragraph("Appendix text")
    result = read_unchanged(save(document, tmp_path / "furniture.docx"))

    assert texts(result) == ["Body text", "Appendix text"]
    assert set(result.furniture) == {
        "OFFICIAL - SENSITIVE",
        "Title page header",
        "Even page header",
        "Sam Example, EHC plan",
        "Appendix header",
    }


def test_docx_bold_and_font_size(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Styled heading", 1)  # bold and 14pt through the Heading 1 style
    all_bold = document.add_paragraph()
    all_bold.add_run("All of this ").bold = True
    all_bold.add_run("is bold").bold = True
    all_bold.add_run("   ")  # whitespace is not visible text, so it does not spoil "all bold"
    partly = document.add_paragraph()
    partly.add_run("Partly ").bold = True
    large = partly.add_run("bold")
    large.font.size = Pt(18)
    result = read_unchanged(save(document, tmp_path / "format.docx"))

    heading, bold, mixed = result.blocks
    assert (heading.bold, heading.font_size) == (True, 14.0)
    assert bold.bold is True
    assert (mixed.bold, mixed.font_size) == (False, 18.0)
    assert (heading.bold_lead, bold.bold_lead, mixed.bold_lead) == (0, 0, len("Partly"))


def test_pdf_bold_lead_in_of_a_run_in_heading(tmp_path: Path) -> None:
    page = [
        text(72, 100, "Section D - Social care needs.", bold=True),
        text(262, 100, "A social worker assessed Tilly in May."),
    ]
    (block,) = read_unchanged(write_pdf(tmp_path / "run-in.pdf", [page])).blocks

    assert block.text == "Section D - Social care needs. A social worker assessed Tilly in May."
    assert block.text[: block.bold_lead] == "Section D - Social care needs."


def test_iter_paragraphs_finds_each_block_paragraph_again_by_index(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("First")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("In a cell")
    document.add_paragraph("Last")
    path = save(document, tmp_path / "walk.docx")
    blocks = read_unchanged(path).blocks

    reopened = docx.Document(str(path))
    walked = list(iter_paragraphs(reopened))
    assert [block for _, block in walked] == list(blocks)
    for paragraph, block in walked:
        assert isinstance(paragraph, CT_P)
        assert paragraph.xpath("string(.)") == block.text
    # the element found by index is the paragraph inside the table cell
    cell_paragraph = walked[1][0]
    assert cell_paragraph is reopened.tables[0].cell(0, 0).paragraphs[0]._p


# --- PDF -------------------------------------------------------------------------------------------------------

# A page is a list of drawing operations: Text(x, top, text, size, bold), Rule(x0, top0, x1, top1) or
# Shade(x0, top, x1, bottom), a filled rectangle with no border.
Text = tuple[str, float, float, str, float, bool]
Rule = tuple[str, float, float, float, float]


def text(x: float, top: float, words: str, size: float = 11.0, bold: bool = False) -> Text:
    return ("text", x, top, words, size, bold)


def rule(x0: float, top0: float, x1: float, top1: float) -> Rule:
    return ("rule", x0, top0, x1, top1)


def shade(x0: float, top: float, x1: float, bottom: float) -> Rule:
    return ("shade", x0, top, x1, bottom)


def grid(columns: Sequence[float], rows: Sequence[float]) -> list[Rule]:
    """Ruled table borders: vertical lines at `columns`, horizontal lines at `rows` (tops)."""
    return [rule(columns[0], top, columns[-1], top) for top in rows] + [rule(x, rows[0], x, rows[-1]) for x in columns]


def write_pdf(path: Path, pages: Sequence[Sequence[Text | Rule]]) -> Path:
    pdf = pdfium.PdfDocument.new()
    for operations in pages:
        page = pdf.new_page(PAGE_WIDTH, PAGE_HEIGHT)
        for operation in operations:
            if operation[0] == "text":
                _, x, top, words, size, bold = operation
                obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica-Bold" if bold else b"Helvetica", size)
                encoded = (words + "\0").encode("utf-16-le")
                pdfium_c.FPDFText_SetText(obj, (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded))
                pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, PAGE_HEIGHT - top - size)
            elif operation[0] == "shade":
                _, x0, top, x1, bottom = operation
                obj = pdfium_c.FPDFPageObj_CreateNewRect(x0, PAGE_HEIGHT - bottom, x1 - x0, bottom - top)
                pdfium_c.FPDFPageObj_SetFillColor(obj, 217, 226, 243, 255)
                pdfium_c.FPDFPath_SetDrawMode(obj, pdfium_c.FPDF_FILLMODE_ALTERNATE, 0)
            else:
                _, x0, top0, x1, top1 = operation
                obj = pdfium_c.FPDFPageObj_CreateNewPath(x0, PAGE_HEIGHT - top0)
                pdfium_c.FPDFPath_LineTo(obj, x1, PAGE_HEIGHT - top1)
                pdfium_c.FPDFPath_SetDrawMode(obj, 0, 1)
            pdfium_c.FPDFPage_InsertObject(page.raw, obj)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        page.close()
    pdf.save(str(path))
    pdf.close()
    return path


def paragraph_lines(top: float, lines: Sequence[str], x: float = 72.0, pitch: float = 14.0) -> list[Text]:
    return [text(x, top + number * pitch, line) for number, line in enumerate(lines)]


FULL_LINE = "Sam finds it hard to follow spoken instructions in a busy classroom and needs them"


def test_pdf_headings_paragraphs_and_list_items(tmp_path: Path) -> None:
    page = [
        text(72, 60, "Section B: Special educational needs", size=16, bold=True),
        *paragraph_lines(100, [FULL_LINE, FULL_LINE, "repeated calmly."]),
        *paragraph_lines(160, [FULL_LINE, "broken into short steps."]),
        text(72, 200, "• Visual timetable on the desk every morning"),
        text(72, 218, "1. A quiet space for breaks that is available in the library at every break and"),
        text(84, 232, "lunchtime"),
        text(72, 250, "Communication", bold=True),
        *paragraph_lines(268, ["Sam uses short sentences."]),
    ]
    result = read_unchanged(write_pdf(tmp_path / "plan.pdf", [page]))

    assert result.kind == "pdf" and result.page_count == 1
    assert texts(result) == [
        "Section B: Special educational needs",
        f"{FULL_LINE} {FULL_LINE} repeated calmly.",
        f"{FULL_LINE} broken into short steps.",
        "• Visual timetable on the desk every morning",
        "1. A quiet space for breaks that is available in the library at every break and lunchtime",
        "Communication",
        "Sam uses short sentences.",
    ]
    assert [block.kind for block in result.blocks] == [
        "heading",
        "paragraph",
        "paragraph",
        "list_item",
        "list_item",
        "heading",
        "paragraph",
    ]
    first = result.blocks[0]
    assert (first.bold, first.font_size, first.location.page, first.location.index) == (True, 16.0, 1, 0)
    x0, top, x1, bottom = result.blocks[1].location.bbox or (0, 0, 0, 0)
    assert x0 == pytest.approx(72, abs=1) and 95 < top < 105 and bottom > 128 and x1 > 400


def test_pdf_ruled_table_cells_row_by_row_and_continued_on_the_next_page(tmp_path: Path) -> None:
    columns = (70, 200, 360)
    first_page = [
        text(72, 60, "Need and provision"),
        *grid(columns, (700, 730, 790)),
        text(75, 705, "Need"),
        text(205, 705, "Provision"),
        text(75, 735, "Reading"),
        text(205, 735, "Daily phonics group of four"),
        text(205, 750, "with a teaching assistant."),
        text(205, 770, "Reviewed each half term."),
    ]
    second_page = [
        *grid(columns, (60, 90)),
        text(75, 65, "Writing"),
        text(205, 65, "Touch typing, 20 minutes daily"),
        *grid((70, 300, 400, 500), (150, 180)),
        text(75, 155, "Another table"),
        text(305, 155, "A"),
        text(405, 155, "B"),
    ]
    result = read_unchanged(write_pdf(tmp_path / "tables.pdf", [first_page, second_page]))

    def place(words: str) -> tuple[int | None, int | None, int | None, int | None]:
        location = by_text(result, words).location
        return location.table, location.row, location.cell, location.page

    assert texts(result) == [
        "Need and provision",
        "Need",
        "Provision",
        "Reading",
        "Daily phonics group of four with a teaching assistant.",
        "Reviewed each half term.",
        "Writing",
        "Touch typing, 20 minutes daily",
        "Another table",
        "A",
        "B",
    ]
    assert by_text(result, "Need and provision").kind == "paragraph"
    assert place("Provision") == (0, 0, 1, 1)
    assert place("Daily phonics group of four with a teaching assistant.") == (0, 1, 1, 1)
    assert place("Writing") == (0, 2, 0, 2)  # same columns at the top of the next page: the same table
    assert place("B") == (1, 0, 2, 2)
    assert by_text(result, "Writing").kind == "table_cell"


def test_pdf_row_cut_by_a_page_break_keeps_its_number_and_repeated_heading_row_is_dropped(tmp_path: Path) -> None:
    columns = (70, 200, 360)
    first_page = [
        *grid(columns, (700, 720, 800)),
        text(75, 704, "Need"),
        text(205, 704, "Provision"),
        text(75, 724, "Reading"),
        text(205, 724, "Daily phonics in a group of"),
        text(205, 738, "four with a trained"),
    ]
    second_page = [
        *grid(columns, (60, 80, 110, 140)),
        text(75, 64, "Need"),  # the heading row, repeated by the word processor
        text(205, 64, "Provision"),
        text(205, 84, "teaching assistant."),  # the rest of the cut row: its first column is empty
        text(75, 114, "Writing"),
        text(205, 114, "Touch typing."),
    ]
    result = read_unchanged(write_pdf(tmp_path / "cut.pdf", [first_page, second_page]))

    assert texts(result) == [
        "Need",
        "Provision",
        "Reading",
        "Daily phonics in a group of four with a trained teaching assistant.",
        "Writing",
        "Touch typing.",
    ]
    rows = [(block.location.row, block.location.cell) for block in result.blocks]
    assert rows == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    assert {block.location.table for block in result.blocks} == {0}


def test_pdf_word_hyphenated_at_a_line_end_is_joined(tmp_path: Path) -> None:
    page = paragraph_lines(100, ["Sam reads at an age-", "related level and enjoys non-", "fiction books."])
    result = read_unchanged(write_pdf(tmp_path / "hyphen.pdf", [page]))

    assert texts(result) == ["Sam reads at an age-related level and enjoys non-fiction books."]


def test_pdf_table_drawn_with_cell_shading_and_no_borders_is_read_cell_by_cell(tmp_path: Path) -> None:
    page = [
        *(shade(x0, top, x1, bottom) for x0, x1 in ((70, 220), (220, 370)) for top, bottom in ((100, 126), (126, 200))),
        text(75, 105, "What people like about me", bold=True),
        text(225, 105, "How best to support me", bold=True),
        text(75, 131, "Sam is kind and has"),
        text(75, 145, "a great memory."),
        text(225, 131, "Speak in short sentences"),
        text(225, 145, "and give him time."),
    ]
    result = read_unchanged(write_pdf(tmp_path / "shaded.pdf", [page]))

    assert texts(result) == [
        "What people like about me",
        "How best to support me",
        "Sam is kind and has a great memory.",
        "Speak in short sentences and give him time.",
    ]
    cells = [(block.location.table, block.location.row, block.location.cell) for block in result.blocks]
    assert cells == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]


def test_pdf_table_that_ends_mid_page_is_not_continued_by_the_next_pages_table(tmp_path: Path) -> None:
    columns = (70, 300, 500)
    first_page = [*paragraph_lines(100, ["Personal details"]), *grid(columns, (300, 330)), text(75, 305, "Name")]
    second_page = [
        *grid(columns, (60, 90)),
        text(75, 65, "Section A"),
        *paragraph_lines(700, ["Body text that runs down to the foot of the page."]),
    ]
    result = read_unchanged(write_pdf(tmp_path / "two-tables.pdf", [first_page, second_page]))

    assert by_text(result, "Name").location.table == 0
    assert by_text(result, "Section A").location.table == 1
    assert by_text(result, "Section A").location.row == 0


def test_pdf_row_cut_mid_sentence_before_a_capital_is_joined_and_kept_in_cell_order(tmp_path: Path) -> None:
    columns = (70, 200, 360)
    first_page = [
        *grid(columns, (700, 760, 800)),
        text(75, 704, "Need"),
        text(205, 704, "Provision"),
        text(75, 764, "Reading is slow."),
        text(205, 764, "Weekly assessment by the"),
    ]
    second_page = [
        *grid(columns, (60, 110, 140)),
        text(75, 64, "It affects every subject."),
        text(205, 64, "Educational Psychology Service."),
        text(75, 114, "Writing"),
        text(205, 114, "Touch typing."),
    ]
    result = read_unchanged(write_pdf(tmp_path / "cut.pdf", [first_page, second_page]))

    assert texts(result) == [
        "Need",
        "Provision",
        "Reading is slow.",
        "It affects every subject.",
        "Weekly assessment by the Educational Psychology Service.",
        "Writing",
        "Touch typing.",
    ]
    rows = [(block.location.row, block.location.cell) for block in result.blocks]
    assert rows == [(0, 0), (0, 1), (1, 0), (1, 0), (1, 1), (2, 0), (2, 1)]


def test_pdf_heading_wrapped_onto_two_lines_is_one_block(tmp_path: Path) -> None:
    page = [
        text(72, 60, "9. SECTION H1 - SOCIAL CARE PROVISION UNDER SECTION 2 OF THE", size=14, bold=True),
        text(72, 78, "CHRONICALLY SICK AND DISABLED PERSONS ACT 1970", size=14, bold=True),
        *paragraph_lines(110, [FULL_LINE, FULL_LINE, "No provision is needed under this section."]),
    ]
    result = read_unchanged(write_pdf(tmp_path / "heading.pdf", [page]))

    assert texts(result)[0] == (
        "9. SECTION H1 - SOCIAL CARE PROVISION UNDER SECTION 2 OF THE CHRONICALLY SICK AND DISABLED PERSONS ACT 1970"
    )
    assert result.blocks[0].kind == "heading"


def test_pdf_word_cut_by_a_narrow_column_and_punctuation_wrapped_alone_are_mended(tmp_path: Path) -> None:
    page = [
        *paragraph_lines(60, ["Communication matters to Sam and to his physiotherapist."]),
        *grid((70, 135, 300), (100, 160)),
        text(73, 104, "Communicati"),
        text(73, 118, "on and interaction"),
        text(140, 104, "Advice from the"),
        text(140, 118, "physiotherapist"),
        text(140, 132, "."),
    ]
    result = read_unchanged(write_pdf(tmp_path / "narrow.pdf", [page]))

    assert texts(result)[1:] == ["Communication and interaction", "Advice from the physiotherapist."]


def test_pdf_nested_table_numbered_after_its_outer_table(tmp_path: Path) -> None:
    page = [
        *grid((70, 200, 520), (100, 200)),
        text(75, 105, "Outer cell"),
        *grid((210, 360, 510), (110, 150)),
        text(215, 115, "Inner left"),
        text(365, 115, "Inner right"),
        text(210, 170, "Outer right cell text"),
    ]
    result = read_unchanged(write_pdf(tmp_path / "nested.pdf", [page]))

    assert texts(result) == ["Outer cell", "Inner left", "Inner right", "Outer right cell text"]
    locations = [(block.location.table, block.location.row, block.location.cell) for block in result.blocks]
    assert locations == [(0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1)]


def test_pdf_running_headers_footers_and_page_numbers_become_furniture(tmp_path: Path) -> None:
    pages = [
        [
            text(72, 30, "OFFICIAL - SENSITIVE"),
            text(400, 30, "Sam Example EHCP"),
            *paragraph_lines(100, [f"Body text of page {number}."]),
            text(280, 800, f"Page {number} of 3"),
        ]
        for number in (1, 2, 3)
    ]
    result = read_unchanged(write_pdf(tmp_path / "furniture.pdf", pages))

    assert texts(result) == ["Body text of page 1.", "Body text of page 2.", "Body text of page 3."]
    # the marking and the name share a baseline, as a header with a tab stop does
    assert set(result.furniture) == {"OFFICIAL - SENSITIVE Sam Example EHCP", "Page 1 of 3"}
    assert result.page_count == 3


def test_pdf_margin_line_on_one_page_only_stays_in_the_body(tmp_path: Path) -> None:
    pages = [
        [text(72, 40, "Section A: All about me", bold=True), *paragraph_lines(100, ["First page."])],
        [*paragraph_lines(100, ["Second page."])],
        [*paragraph_lines(100, ["Third page."]), text(300, 810, "12")],
    ]
    result = read_unchanged(write_pdf(tmp_path / "margins.pdf", pages))

    assert texts(result) == ["Section A: All about me", "First page.", "Second page.", "Third page."]
    assert result.furniture == ("12",)


def test_pdf_sentence_split_by_a_page_break_is_one_block(tmp_path: Path) -> None:
    pages = [
        [*paragraph_lines(100, ["Short paragraph."]), *paragraph_lines(730, [FULL_LINE, FULL_LINE])],
        [*paragraph_lines(72, [FULL_LINE, "given one at a time."]), text(72, 120, "Heading after", bold=True)],
    ]
    result = read_unchanged(write_pdf(tmp_path / "split.pdf", pages))

    assert texts(result) == [
        "Short paragraph.",
        f"{FULL_LINE} {FULL_LINE} {FULL_LINE} given one at a time.",
        "Heading after",
    ]
    assert result.blocks[1].location.page == 1


def test_type_is_judged_by_content_not_suffix(tmp_path: Path) -> None:
    pdf_named_docx = write_pdf(tmp_path / "really-a-pdf.docx", [[*paragraph_lines(100, [FULL_LINE])]])
    document = docx.Document()
    document.add_paragraph("Word text.")
    docx_named_pdf = save(document, tmp_path / "really-a-docx.pdf")

    assert read_unchanged(pdf_named_docx).kind == "pdf"
    assert read_unchanged(docx_named_pdf).kind == "docx"
    assert texts(read_unchanged(docx_named_pdf)) == ["Word text."]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_export_reads_like_the_docx(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "OFFICIAL - SENSITIVE"
    document.add_heading("Section F: Special educational provision", 1)
    for number in range(3):
        document.add_paragraph(f"Paragraph {number}: " + "Sam will have a daily reading session. " * 6)
    document.add_paragraph("Weekly speech and language therapy", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    for row in range(2):
        for column in range(3):
            table.cell(row, column).text = f"Row {row} column {column} " + "with detail " * column
    source = save(document, tmp_path / "plan.docx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from_docx = read_unchanged(source)
    from_pdf = read_unchanged(tmp_path / "plan.pdf")

    assert [text.lstrip("• ") for text in texts(from_pdf)] == texts(from_docx)
    assert [block.kind for block in from_pdf.blocks] == [block.kind for block in from_docx.blocks]
    assert [(block.location.table, block.location.row, block.location.cell) for block in from_pdf.blocks] == [
        (block.location.table, block.location.row, block.location.cell) for block in from_docx.blocks
    ]
    assert from_pdf.furniture == ("OFFICIAL - SENSITIVE",)
