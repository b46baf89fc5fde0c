"""Read a .docx plan into blocks by walking its XML in reading order.

python-docx's own accessors drop text that council templates rely on (content controls, tracked insertions,
text boxes) and repeat merged table cells, so this module walks the lxml tree itself. `iter_paragraphs` is the
one walk: the annotator and the redactor use it to find a block's paragraph again from `Location.index`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.text.paragraph import CT_P
from docx.styles import BabelFish
from lxml import etree

from ehcp_qa.errors import InputError
from ehcp_qa.model import Block, BlockKind, Document, Location

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _w(local: str) -> str:
    return f"{{{W_NS}}}{local}"


W_P, W_TBL, W_TR, W_TC, W_R, W_T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
W_TXBX_CONTENT, W_FLD_CHAR = _w("txbxContent"), _w("fldChar")
W_VAL, W_NUM_ID = _w("val"), _w("numId")
MC_ALTERNATE, MC_CHOICE, MC_FALLBACK = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"
M_T, R_ID = f"{{{M_NS}}}t", f"{{{R_NS}}}id"

# Inline wrappers whose content is part of the paragraph's visible text (tracked insertions included).
TRANSPARENT_INLINE = frozenset(
    _w(name) for name in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo")
)
# Run children that read as a space: tabs, line/page breaks, carriage returns, positional tabs.
SPACE_IN_RUN = frozenset(_w(name) for name in ("tab", "ptab", "br", "cr"))
# Run children that may hold a text box (drawing, VML picture, embedded object).
SHAPE_IN_RUN = frozenset((_w("drawing"), _w("pict"), _w("object"), MC_ALTERNATE))
FALSE_VALUES = frozenset(("0", "false", "off", "none"))
HEADING_NAME = re.compile(r"^(heading\s*\d|title)\b", re.IGNORECASE)
LIST_NAME = re.compile(r"^list\b", re.IGNORECASE)
HEADER_FOOTER = frozenset((RT.HEADER, RT.FOOTER))
BODY_OUTLINE_LEVEL = 9  # w:outlineLvl 9 means body text; 0-8 are heading levels
# What python-docx, zipfile and lxml raise on a damaged package (bad parts, bad deflate data, bad XML).
UNREADABLE_PACKAGE = (
    PackageNotFoundError,
    KeyError,
    ValueError,
    EOFError,
    OSError,
    NotImplementedError,
    zipfile.BadZipFile,
    zlib.error,
    etree.XMLSyntaxError,
)


@dataclass(frozen=True)
class TableContext:
    """Where a paragraph sits when it is inside a table cell (0-based numbers)."""

    table: int
    row: int
    cell: int


@dataclass
class WalkState:
    """Counters shared across the whole walk: blocks emitted so far and tables numbered so far."""

    blocks: int = 0
    tables: int = 0


@dataclass(frozen=True)
class RunFormat:
    bold: bool | None = None
    size: float | None = None
    hidden: bool | None = None  # w:vanish: hidden text, which Word neither shows nor prints


@dataclass(frozen=True)
class StyleFacts:
    """What a paragraph style says, after following its basedOn chain."""

    name: str = ""
    heading_name: bool = False  # the style or one it is based on is a Heading or Title style
    list_name: bool = False  # the style's own name is a List style ("List Bullet", "List Paragraph")
    paragraph_properties: tuple[etree._Element, ...] = ()  # the chain's w:pPr elements, nearest first
    run_format: RunFormat = RunFormat()


@dataclass
class ParagraphText:
    """Text gathered from one paragraph, with the run formatting of each piece of it."""

    pieces: list[tuple[str, RunFormat]] = field(default_factory=list)
    text_boxes: list[etree._Element] = field(default_factory=list)
    field_stack: list[bool] = field(default_factory=list)  # per open field: True once past its separator

    @property
    def in_field_instruction(self) -> bool:
        return not all(self.field_stack)


def normalise(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) and strip."""
    return " ".join(text.split())


def _on_off(element: etree._Element | None) -> bool | None:
    if element is None:
        return None
    return element.get(W_VAL, "true").lower() not in FALSE_VALUES


def _half_points(element: etree._Element | None) -> float | None:
    if element is None:
        return None
    try:
        return int(element.get(W_VAL, "")) / 2
    except ValueError:
        return None


def _run_format(rpr: etree._Element | None) -> RunFormat:
    if rpr is None:
        return RunFormat()
    return RunFormat(
        bold=_on_off(rpr.find(_w("b"))),
        size=_half_points(rpr.find(_w("sz"))),
        hidden=_on_off(rpr.find(_w("vanish"))),
    )


def _merge(nearer: RunFormat, further: RunFormat) -> RunFormat:
    """Formatting where the nearer source wins wherever it says anything."""
    return RunFormat(
        bold=nearer.bold if nearer.bold is not None else further.bold,
        size=nearer.size if nearer.size is not None else further.size,
        hidden=nearer.hidden if nearer.hidden is not None else further.hidden,
    )


class Styles:
    """Resolves paragraph and character styles (with basedOn inheritance) from styles.xml, cached."""

    def __init__(self, document: DocxDocument) -> None:
        self._root = document.styles.element
        self._by_id = {style.get(_w("styleId")): style for style in self._root.iterfind(_w("style"))}
        defaults = self._root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default_format = _run_format(defaults)
        self.default_paragraph_style = next(
            (
                style.get(_w("styleId"))
                for style in self._root.iterfind(_w("style"))
                if style.get(_w("type")) == "paragraph" and style.get(_w("default")) in ("1", "true", "on")
            ),
            None,
        )
        self.paragraph = lru_cache(maxsize=None)(self._paragraph_facts)
        self.character = lru_cache(maxsize=None)(self._character_format)

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and its ancestors, nearest first; a basedOn loop is cut where it repeats."""
        chain: list[etree._Element] = []
        while style_id and (style := self._by_id.get(style_id)) is not None and style not in chain:
            chain.append(style)
            based_on = style.find(_w("basedOn"))
            style_id = based_on.get(W_VAL) if based_on is not None else None
        return chain

    def _paragraph_facts(self, style_id: str | None) -> StyleFacts:
        chain = self._chain(style_id or self.default_paragraph_style)
        if not chain:
            return StyleFacts(run_format=self.default_format)
        names = [_style_name(style) for style in chain]
        run_format = RunFormat()
        for style in chain:
            run_format = _merge(run_format, _run_format(style.find(_w("rPr"))))
        return StyleFacts(
            name=BabelFish.internal2ui(names[0]),
            heading_name=any(HEADING_NAME.match(name) for name in names),
            list_name=bool(LIST_NAME.match(names[0])),
            paragraph_properties=tuple(ppr for style in chain if (ppr := style.find(_w("pPr"))) is not None),
            run_format=_merge(run_format, self.default_format),
        )

    def _character_format(self, style_id: str | None) -> RunFormat:
        run_format = RunFormat()
        for style in self._chain(style_id):
            run_format = _merge(run_format, _run_format(style.find(_w("rPr"))))
        return run_format


def _style_name(style: etree._Element) -> str:
    name = style.find(_w("name"))
    return name.get(W_VAL, "") if name is not None else ""


def _first_property(ppr_chain: list[etree._Element], local: str) -> etree._Element | None:
    """The nearest paragraph-properties child called `local` along a chain of w:pPr elements."""
    for ppr in ppr_chain:
        if (found := ppr.find(_w(local))) is not None:
            return found
    return None


def _numbered(ppr_chain: list[etree._Element]) -> bool:
    num_pr = _first_property(ppr_chain, "numPr")
    if num_pr is None:
        return False
    num_id = num_pr.find(W_NUM_ID)
    # numId 0 explicitly removes numbering that a style would otherwise give.
    return num_id is None or num_id.get(W_VAL, "0") != "0"


def _outline_heading(ppr_chain: list[etree._Element]) -> bool:
    level = _first_property(ppr_chain, "outlineLvl")
    if level is None:
        return False
    try:
        return int(level.get(W_VAL, "")) < BODY_OUTLINE_LEVEL
    except ValueError:
        return False


def _text_boxes(shape: etree._Element) -> Iterator[etree._Element]:
    """Text boxes inside a run's shape, skipping mc:Fallback copies of a box already given by mc:Choice."""
    if shape.tag == MC_ALTERNATE:
        choice = shape.find(MC_CHOICE)
        branch = choice if choice is not None else shape.find(MC_FALLBACK)
        if branch is not None:
            for child in branch:
                yield from _text_boxes(child)
        return
    for box in shape.iter(W_TXBX_CONTENT):
        inside_fallback = any(ancestor.tag == MC_FALLBACK for ancestor in box.iterancestors())
        nested = any(ancestor.tag == W_TXBX_CONTENT for ancestor in box.iterancestors())
        if not inside_fallback and not nested:
            yield box


def _collect_run(run: etree._Element, styles: Styles, gathered: ParagraphText) -> None:
    rpr = run.find(_w("rPr"))
    run_style = rpr.find(_w("rStyle")) if rpr is not None else None
    run_format = _merge(_run_format(rpr), styles.character(run_style.get(W_VAL) if run_style is not None else None))
    for child in run:
        tag = child.tag
        if tag == W_FLD_CHAR:
            kind = child.get(_w("fldCharType"))
            if kind == "begin":
                gathered.field_stack.append(False)
            elif kind == "separate" and gathered.field_stack:
                gathered.field_stack[-1] = True
            elif kind == "end" and gathered.field_stack:
                gathered.field_stack.pop()
        elif tag in SHAPE_IN_RUN:
            gathered.text_boxes.extend(_text_boxes(child))
        elif gathered.in_field_instruction:
            continue
        elif tag == W_T:
            gathered.pieces.append((child.text or "", run_format))
        elif tag in SPACE_IN_RUN:
            gathered.pieces.append((" ", run_format))
        elif tag == _w("noBreakHyphen"):
            gathered.pieces.append(("-", run_format))


def _collect_inline(container: etree._Element, styles: Styles, gathered: ParagraphText) -> None:
    """Gather the text of a paragraph (or an inline wrapper inside it) in document order.

    Anything not named here is skipped: tracked deletions (w:del, w:moveFrom), bookmarks, comment ranges.
    """
    for child in container:
        tag = child.tag
        if tag == W_R:
            _collect_run(child, styles, gathered)
        elif tag in TRANSPARENT_INLINE:
            _collect_inline(child, styles, gathered)
        elif tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                _collect_inline(content, styles, gathered)
        elif tag == MC_ALTERNATE:
            gathered.text_boxes.extend(_text_boxes(child))
        elif isinstance(tag, str) and tag.startswith(f"{{{M_NS}}}"):  # XML comments have no string tag
            gathered.pieces.extend((math_text.text or "", RunFormat()) for math_text in child.iter(M_T))


def _paragraph_block(
    paragraph: etree._Element, gathered: ParagraphText, styles: Styles, index: int, table: TableContext | None
) -> Block | None:
    """The paragraph's block, or None when it shows no text."""
    ppr = paragraph.find(_w("pPr"))
    style_ref = ppr.find(_w("pStyle")) if ppr is not None else None
    facts = styles.paragraph(style_ref.get(W_VAL) if style_ref is not None else None)
    shown = [
        (text, formatting)
        for text, run_format in gathered.pieces
        if not (formatting := _merge(run_format, facts.run_format)).hidden
    ]
    text = normalise("".join(text for text, _ in shown))
    if not text:
        return None
    visible = [formatting for text, formatting in shown if text.strip()]
    sizes = [formatting.size for formatting in visible if formatting.size is not None]
    ppr_chain = [ppr, *facts.paragraph_properties] if ppr is not None else list(facts.paragraph_properties)
    kind: BlockKind
    if table is not None:
        kind = "table_cell"
    elif facts.heading_name or _outline_heading(ppr_chain):
        kind = "heading"
    elif facts.list_name or _numbered(ppr_chain):
        kind = "list_item"
    else:
        kind = "paragraph"
    location = (
        Location(index=index, table=table.table, row=table.row, cell=table.cell)
        if table is not None
        else Location(index=index)
    )
    return Block(
        text=text,
        kind=kind,
        location=location,
        style=facts.name,
        bold=all(formatting.bold for formatting in visible),
        font_size=max(sizes) if sizes else None,
        bold_lead=_bold_lead(shown, text),
    )


def _bold_lead(shown: list[tuple[str, RunFormat]], text: str) -> int:
    """How many characters of `text` a bold lead-in takes, when plain text follows it; else 0."""
    lead = ""
    for piece, formatting in shown:
        if piece.strip() and not formatting.bold:
            lead = normalise(lead)
            return len(lead) if lead and text.startswith(lead) else 0
        lead += piece
    return 0


def _walk_paragraph(
    paragraph: etree._Element, styles: Styles, state: WalkState, table: TableContext | None
) -> Iterator[tuple[CT_P, Block]]:
    gathered = ParagraphText()
    _collect_inline(paragraph, styles, gathered)
    block = _paragraph_block(paragraph, gathered, styles, state.blocks, table)
    if block is not None:
        yield paragraph, block
        state.blocks += 1
    for box in gathered.text_boxes:
        yield from _walk_blocks(box, styles, state, table)


def _unwrap(container: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """Children called `wanted`, looking through content controls and custom XML wrappers."""
    for child in container:
        if child.tag == wanted:
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                yield from _unwrap(content, wanted)
        elif child.tag == W_CUSTOM_XML:
            yield from _unwrap(child, wanted)


def _walk_table(table: etree._Element, styles: Styles, state: WalkState) -> Iterator[tuple[CT_P, Block]]:
    number = state.tables
    state.tables += 1
    for row_number, row in enumerate(_unwrap(table, W_TR)):
        # Each w:tc once: a horizontally merged cell is one w:tc, a vertically merged continuation is empty.
        for cell_number, cell in enumerate(_unwrap(row, W_TC)):
            yield from _walk_blocks(cell, styles, state, TableContext(number, row_number, cell_number))


def _walk_blocks(
    container: etree._Element, styles: Styles, state: WalkState, table: TableContext | None
) -> Iterator[tuple[CT_P, Block]]:
    """Paragraphs and tables of a block container (body, cell, text box, header) in document order."""
    for child in container:
        tag = child.tag
        if tag == W_P:
            yield from _walk_paragraph(child, styles, state, table)
        elif tag == W_TBL:
            yield from _walk_table(child, styles, state)
        elif tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                yield from _walk_blocks(content, styles, state, table)
        elif tag == W_CUSTOM_XML:
            yield from _walk_blocks(child, styles, state, table)


def iter_paragraphs(document: DocxDocument) -> Iterator[tuple[CT_P, Block]]:
    """Each non-empty body paragraph's element with its Block, in reading order.

    Block `location.index` counts the paragraphs yielded so far (0-based), so walking the same document again
    finds a block's paragraph by its index. Text-box paragraphs follow the paragraph that anchors the box.
    """
    yield from _walk_blocks(document.element.body, Styles(document), WalkState(), None)


def _furniture(document: DocxDocument) -> tuple[str, ...]:
    """Header and footer paragraphs of every section (default, first-page and even-page), each text once."""
    styles = Styles(document)
    relationships = document.part.rels
    seen: dict[str, None] = {}  # an ordered set: the same header usually repeats in every section
    for section_properties in document.element.body.iter(_w("sectPr")):
        for reference in section_properties:
            if reference.tag not in (_w("headerReference"), _w("footerReference")):
                continue
            relationship = relationships.get(reference.get(R_ID, ""))
            if relationship is None or relationship.is_external or relationship.reltype not in HEADER_FOOTER:
                continue
            for _, block in _walk_blocks(relationship.target_part.element, styles, WalkState(), None):
                seen.setdefault(block.text, None)
    return tuple(seen)


def read_docx(path: Path) -> Document:
    """The plan's body blocks and its header/footer lines. The file must have passed the safety checks."""
    try:
        document = docx.Document(str(path))
    except UNREADABLE_PACKAGE:
        raise InputError(f"{path.name} is corrupt or incomplete: it cannot be read as a Word document") from None
    blocks = tuple(block for _, block in iter_paragraphs(document))
    return Document(path=str(path), kind="docx", blocks=blocks, furniture=_furniture(document))
