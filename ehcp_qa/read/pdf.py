"""Read a PDF plan into blocks: text from pypdfium2, tables from the page's ruling lines.

pdfplumber's layout engine is far too slow for 40-page plans, so this module reads characters straight from
PDFium: one call per character (its text object) and a few per text run (box, size, font). Runs become lines,
lines become paragraph blocks (split on vertical gaps, indentation, font changes, list markers and deliberate
line breaks), and ruled table cells are found from the page's path objects (LibreOffice and Word draw table
borders as lines). Running headers and footers repeated in the page margins go to `Document.furniture`.
Every page and text page is closed as soon as it is read, so memory stays flat over long files.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ehcp_qa.errors import InputError
from ehcp_qa.model import Block, BlockKind, Document, Location

# --- thresholds, in points unless said otherwise ---------------------------------------------------------
MIN_TEXT_CHARS = 20  # a page with fewer visible characters has no real text layer
MARGIN_BAND = 0.10  # share of the page height at top and bottom where running headers and footers sit
REPEATED_SHARE = 0.5  # a margin line on at least this share of pages is a running header or footer
RULE_THICKNESS = 3.0  # a path thinner than this in one direction is a ruling line
SNAP = 2.0  # ruling lines this close are the same line; corners this close meet
MIN_CELL_SIZE = 4.0
MAX_PATHS_PER_PAGE = 5000  # a drawing-heavy page stops contributing rules here (keeps the reader fast)
MAX_SEGMENTS_PER_PATH = 400
MAX_RULE_CROSSINGS = 250_000  # horizontal x vertical rules checked for corners on one page
CELL_PADDING = 5.0  # text stops short of a cell's right border (Word and LibreOffice pad cells by 5.4pt)
# A line's box is drawn from its baseline with these shares of the font size, the same for every font.
ASCENT, DESCENT = 0.8, 0.2
HEADING_SIZE_STEP = 1.5  # a line this much larger than body text reads as a heading
MAX_HEADING_LINES = 3
MAX_HEADING_WORDS = 20
INDENT_STEP = 8.0
RUN_ON_MARGIN_LINES = 4  # in body font sizes: a table ending higher than this above the page foot is complete
SHORT_LINE_SHARE = 0.6  # a line filling less than this share of the text width is short
WRAP_SLACK = 0.6  # in font sizes: a space plus a margin for how differently layout engines wrap
LIST_MARKER = re.compile(r"^(?:[•●○◦▪■□‣⁃∙·*➢➤►✓✔❖\-–—\uf000-\uf8ff]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})[.)])\s")
PRIVATE_USE_BULLET = re.compile(r"^[\uf000-\uf8ff]")  # Symbol/Wingdings bullets exported without Unicode
# PDFium marks a hyphen that ends a line: U+FFFE in bulk text, code 2 character by character.
LINE_END_HYPHEN, HYPHEN_CODE = "\ufffe", 2
SENTENCE_END = re.compile(r"[.!?:;][\"'’”)\]]*$")
CLOSING_PUNCTUATION = frozenset(".,;:!?)]”’")
WORD = re.compile(r"[a-z][a-z'’-]+")
# Words that cannot end a sentence or a label: text ending in one was cut by a page break.
MID_SENTENCE_WORDS = frozenset(
    {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "with", "by", "from", "as"}
    | {"his", "her", "their", "its", "is", "are", "was", "were", "will", "be", "has", "have", "that", "which"}
    | {"who", "than", "into", "about", "per"}
)
PARAGRAPH_END = re.compile(r"[.!?][\"'’”)\]]*$")  # a colon often ends a label that its paragraph carries on from
PAGE_NUMBER = re.compile(r"^(?:page\s*)?#+(?:\s*(?:of|/)\s*#+)?$|^[-–]\s*#+\s*[-–]$", re.IGNORECASE)
PROTECTIVE_MARKING = re.compile(
    r"^(?:official|sensitive|confidential|restricted|protect|not protectively marked)\b", re.IGNORECASE
)
MAX_MARKING_WORDS = 6
BOLD_FONT_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
BOLD_WEIGHT = 600
FORCE_BOLD_FLAG = 1 << 18  # PDF font descriptor flag

# PDFium returns the character's text object as a pointer; comparing addresses needs a plain void* result.
_text_object_of = ctypes.cast(
    pdfium_c.FPDFText_GetTextObject, ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
)


@dataclass(frozen=True)
class Segment:
    """Characters of one text object: one font, one line. Coordinates run top-down from the page top."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    first_word_x1: float  # where the segment's first word ends


@dataclass(frozen=True)
class Line:
    text: str
    x0: float  # the first visible character's left edge
    top: float
    x1: float  # the last visible character's right edge
    bottom: float
    size: float
    bold: bool
    first_word_width: float
    bold_lead: int = 0  # characters of bold text opening a line that is not all bold (a run-in heading)

    @property
    def marker(self) -> bool:
        return bool(LIST_MARKER.match(self.text))


@dataclass(frozen=True)
class Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    row: int = 0
    column: int = 0

    def contains(self, x: float, y: float) -> bool:
        return self.x0 - SNAP <= x <= self.x1 + SNAP and self.top - SNAP <= y <= self.bottom + SNAP

    @property
    def area(self) -> float:
        return (self.x1 - self.x0) * (self.bottom - self.top)


@dataclass(frozen=True)
class PageTable:
    cells: tuple[Cell, ...]  # row by row, left to right
    row_count: int
    columns: tuple[float, ...]  # x of every cell's left and right border, to match a table across pages
    bbox: tuple[float, float, float, float]

    @property
    def top(self) -> float:
        return self.bbox[1]


# A container is the page body (None) or one table cell: (page-local table number, cell number).
ContainerKey = tuple[int, int] | None


@dataclass
class PageLayout:
    number: int  # 1-based
    height: float
    tables: list[PageTable]
    lines: dict[ContainerKey, list[Line]]
    table_parent: dict[int, ContainerKey]  # the container each table sits in (nested tables sit in a cell)
    rotated_text: list[str]


@dataclass
class BlockDraft:
    """A block being built: its lines and where it sits, before the reading-order index is known."""

    lines: list[Line]
    page: int
    right_edge: float  # where full lines end in the block's container
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    heading_like: bool = False
    continuation: list[Line] = field(default_factory=list)  # lines carried over from the next page
    glued: set[int] = field(default_factory=set)  # positions of lines that finish a word cut at a line end
    in_cut_row: bool = False  # sits in a table row that the page break cut in two
    joins_previous: bool = False  # carries on the text of its cell from before the page break

    @property
    def all_lines(self) -> list[Line]:
        return self.lines + self.continuation

    @property
    def text(self) -> str:
        return _join_lines(self.all_lines, self.glued)

    def add_line(self, line: Line, vocabulary: frozenset[str]) -> None:
        if _word_cut(self.all_lines[-1], line, self.right_edge, vocabulary):
            self.glued.add(len(self.all_lines))
        self.lines.append(line)

    def absorb(self, following: BlockDraft, vocabulary: frozenset[str]) -> None:
        """Take in the block that carries this one on after a page break."""
        offset = len(self.all_lines)
        if _word_cut(self.all_lines[-1], following.lines[0], self.right_edge, vocabulary):
            self.glued.add(offset)
        self.glued.update(offset + position for position in following.glued)
        self.continuation.extend(following.all_lines)


@dataclass(frozen=True)
class DocumentStyle:
    """What ordinary body text looks like in this document, learned from all its lines."""

    body_size: float
    bold_marks_headings: bool  # false when most text is bold, so bold says nothing
    paragraph_gap: float  # a vertical gap above this between body-size lines starts a new paragraph
    right_edge: float  # where body text lines end when they are full
    content_bottom: float  # the lowest body text or table on any page: where page breaks fall
    vocabulary: frozenset[str]  # every word the document uses, to mend words a narrow column cut in two

    def gap_limit(self, size: float) -> float:
        """Line spacing grows with the font, so the paragraph gap does too."""
        return self.paragraph_gap * max(1.0, size / self.body_size)


# --- opening and checking ----------------------------------------------------------------------------------


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise InputError(
                f"{path.name} is password-protected: remove the password (save an unprotected copy) and try again"
            ) from None
        raise InputError(f"{path.name} is corrupt or incomplete: it cannot be opened as a PDF") from None


# --- text runs ---------------------------------------------------------------------------------------------


def _page_text(textpage: pdfium.PdfTextPage, count: int) -> str:
    """The page's characters, one per character index (PDFium's bulk text can differ on rare pages)."""
    text = textpage.get_text_range()
    if len(text) == count:
        return text
    characters = (pdfium_c.FPDFText_GetUnicode(textpage, index) for index in range(count))
    return "".join(LINE_END_HYPHEN if code == HYPHEN_CODE else chr(code) for code in characters)


def _is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    pdfium_c.FPDFText_GetFontInfo(textpage, index, name, len(name), flags)
    return (
        bool(BOLD_FONT_NAME.search(name.value.decode("latin-1")))
        or pdfium_c.FPDFText_GetFontWeight(textpage, index) >= BOLD_WEIGHT
        or bool(flags.value & FORCE_BOLD_FLAG)
    )


def _runs(text: str, textpage: pdfium.PdfTextPage) -> Iterator[tuple[int, int]]:
    """(first, last) character index of each run of characters sharing a text object.

    Characters PDFium generates itself (spaces and line breaks it infers) have no text object; they end up
    inside a run when they fall between two characters of the same object.
    """
    current, first, last = None, 0, -1
    for index in range(len(text)):
        obj = _text_object_of(textpage.raw, index)
        if obj is None:
            continue
        if obj != current:
            if current is not None:
                yield first, last
            current, first = obj, index
        last = index
    if current is not None:
        yield first, last


def _horizontal_extent(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float]:
    """Where a character starts and where its advance ends, left to right."""
    box = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
    return box.left, box.right


def _baseline(textpage: pdfium.PdfTextPage, index: int, page_height: float) -> float:
    """A character's baseline, top-down. Glyph boxes depend on each font's metrics; the baseline does not."""
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
    return page_height - y.value


def _segments(textpage: pdfium.PdfTextPage, page_height: float) -> tuple[list[Segment], list[str], int]:
    """Horizontal text runs of the page, the text of rotated runs, and the count of visible characters."""
    text = _page_text(textpage, textpage.count_chars())
    segments: list[Segment] = []
    rotated: list[str] = []
    for first, last in _runs(text, textpage):
        run_text = text[first : last + 1].replace("\r", " ").replace("\n", " ")
        stripped = run_text.strip()
        if not stripped:
            continue
        if abs(pdfium_c.FPDFText_GetCharAngle(textpage, first)) > 0.01:
            rotated.append(" ".join(stripped.split()))
            continue
        # Measure from the first to the last visible character, and to the end of the first word.
        start = first + len(run_text) - len(run_text.lstrip())
        end = first + len(run_text.rstrip()) - 1
        size = round(pdfium_c.FPDFText_GetFontSize(textpage, start), 1)
        baseline = _baseline(textpage, start, page_height)
        segments.append(
            Segment(
                text=run_text,
                x0=_horizontal_extent(textpage, start)[0],
                top=baseline - ASCENT * size,
                x1=_horizontal_extent(textpage, end)[1],
                bottom=baseline + DESCENT * size,
                size=size,
                bold=_is_bold(textpage, start),
                first_word_x1=_horizontal_extent(textpage, start + len(stripped.split(maxsplit=1)[0]) - 1)[1],
            )
        )
    return segments, rotated, len("".join(text.split()))


# --- ruling lines and table cells -----------------------------------------------------------------------------

HorizontalRule = tuple[float, float, float]  # y, x0, x1
VerticalRule = tuple[float, float, float]  # x, top, bottom


def _path_lines(obj: ctypes.c_void_p, page_height: float) -> Iterator[tuple[float, float, float, float]]:
    """Straight pieces (x0, y0, x1, y1 in top-down page space) of a path drawn with several segments."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
    x, y = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    previous: tuple[float, float] | None = None
    for index in range(min(pdfium_c.FPDFPath_CountSegments(obj), MAX_SEGMENTS_PER_PATH)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (
            matrix.a * x.value + matrix.c * y.value + matrix.e,
            page_height - (matrix.b * x.value + matrix.d * y.value + matrix.f),
        )
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            yield (*previous, *point)
        previous = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            yield (*point, *start)


def _rules(page: pdfium.PdfPage, page_height: float) -> tuple[list[HorizontalRule], list[VerticalRule]]:
    """Horizontal and vertical ruling lines drawn on the page, and the edges of filled shapes (cell shading)."""
    horizontal: list[HorizontalRule] = []
    vertical: list[VerticalRule] = []
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    fill_mode, stroked = ctypes.c_int(), ctypes.c_int()
    paths = 0
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        paths += 1
        if paths > MAX_PATHS_PER_PAGE:
            break
        pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        width, height = right.value - left.value, top.value - bottom.value
        if height <= RULE_THICKNESS < width:
            horizontal.append((page_height - (top.value + bottom.value) / 2, left.value, right.value))
            continue
        if width <= RULE_THICKNESS < height:
            vertical.append(((left.value + right.value) / 2, page_height - top.value, page_height - bottom.value))
            continue
        pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroked)
        if not stroked.value:
            if fill_mode.value and width >= MIN_CELL_SIZE and height >= MIN_CELL_SIZE:
                # A shaded cell of a table drawn without borders: its edges bound the cell.
                y_top, y_bottom = page_height - top.value, page_height - bottom.value
                horizontal += [(y_top, left.value, right.value), (y_bottom, left.value, right.value)]
                vertical += [(left.value, y_top, y_bottom), (right.value, y_top, y_bottom)]
            continue
        for x0, y0, x1, y1 in _path_lines(obj, page_height):
            if abs(y1 - y0) <= SNAP < abs(x1 - x0):
                horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
            elif abs(x1 - x0) <= SNAP < abs(y1 - y0):
                vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    return _merge_rules(horizontal), _merge_rules(vertical)


def _merge_rules(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Snap rules at (nearly) the same position together and join pieces that touch or overlap."""
    merged: list[tuple[float, float, float]] = []
    for position, start, end in sorted(rules):
        # Sorted by position, so only the last few merged rules can be close enough to join.
        for at in range(len(merged) - 1, -1, -1):
            other_position, other_start, other_end = merged[at]
            if position - other_position > SNAP:
                merged.append((position, start, end))
                break
            if start <= other_end + SNAP and other_start <= end + SNAP:
                merged[at] = (other_position, min(start, other_start), max(end, other_end))
                break
        else:
            merged.append((position, start, end))
    return merged


def _cells(horizontal: list[HorizontalRule], vertical: list[VerticalRule]) -> list[Cell]:
    """The smallest rectangles whose four sides are ruled (the approach of pdfplumber's table finder).

    A page ruled more densely than any table (a chart, a drawing, a form grid) gets no cells: its text is read
    as body text rather than spending seconds on it.
    """
    if len(horizontal) * len(vertical) > MAX_RULE_CROSSINGS:
        return []
    # Corners where a horizontal and a vertical rule cross, keyed by the rules they sit on.
    corners: set[tuple[int, int]] = set()
    for h_index, (y, x0, x1) in enumerate(horizontal):
        for v_index, (x, top, bottom) in enumerate(vertical):
            if x0 - SNAP <= x <= x1 + SNAP and top - SNAP <= y <= bottom + SNAP:
                corners.add((h_index, v_index))
    on_rule: dict[int, list[int]] = defaultdict(list)  # horizontal rule -> verticals crossing it, left to right
    on_column: dict[int, list[int]] = defaultdict(list)  # vertical rule -> horizontals crossing it, top down
    # Sorted by x then y, so each rule's crossings are listed in order along it.
    for h_index, v_index in sorted(corners, key=lambda corner: (vertical[corner[1]][0], horizontal[corner[0]][0])):
        on_rule[h_index].append(v_index)
        on_column[v_index].append(h_index)
    cells: list[Cell] = []
    for top_rule, v_indexes in on_rule.items():
        for left_at, left_rule in enumerate(v_indexes):
            cell = _cell_from_corner(top_rule, left_rule, v_indexes[left_at + 1 :], on_column, corners)
            if cell is not None:
                cells.append(_cell_box(cell, horizontal, vertical))
    return [cell for cell in cells if cell.x1 - cell.x0 >= MIN_CELL_SIZE and cell.bottom - cell.top >= MIN_CELL_SIZE]


def _cell_from_corner(
    top_rule: int,
    left_rule: int,
    rules_to_right: Sequence[int],
    on_column: dict[int, list[int]],
    corners: set[tuple[int, int]],
) -> tuple[int, int, int, int] | None:
    """The nearest bottom rule and right rule that close a rectangle with this top-left corner."""
    below = on_column[left_rule]
    for bottom_rule in below[below.index(top_rule) + 1 :]:
        for right_rule in rules_to_right:
            if (bottom_rule, right_rule) in corners and (top_rule, right_rule) in corners:
                return top_rule, left_rule, bottom_rule, right_rule
    return None


def _cell_box(rules: tuple[int, int, int, int], horizontal: list[HorizontalRule], vertical: list[VerticalRule]) -> Cell:
    top_rule, left_rule, bottom_rule, right_rule = rules
    return Cell(
        x0=vertical[left_rule][0],
        top=horizontal[top_rule][0],
        x1=vertical[right_rule][0],
        bottom=horizontal[bottom_rule][0],
    )


def _tables(cells: list[Cell]) -> list[PageTable]:
    """Cells grouped into tables (cells sharing a corner belong together), rows and columns numbered."""
    parent = list(range(len(cells)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    by_corner: dict[tuple[int, int], int] = {}
    for index, cell in enumerate(cells):
        for x, y in ((cell.x0, cell.top), (cell.x1, cell.top), (cell.x0, cell.bottom), (cell.x1, cell.bottom)):
            corner = (round(x / SNAP), round(y / SNAP))
            if corner in by_corner:
                parent[root(index)] = root(by_corner[corner])
            else:
                by_corner[corner] = index
    groups: dict[int, list[Cell]] = defaultdict(list)
    for index, cell in enumerate(cells):
        groups[root(index)].append(cell)
    tables = [_number_cells(group) for group in groups.values()]
    return sorted(tables, key=lambda table: (table.top, table.bbox[0]))


def _number_cells(cells: list[Cell]) -> PageTable:
    row_tops: list[float] = []
    for top in sorted(cell.top for cell in cells):
        if not row_tops or top - row_tops[-1] > SNAP:
            row_tops.append(top)
    numbered: list[Cell] = []
    for row, row_top in enumerate(row_tops):
        in_row = sorted((cell for cell in cells if abs(cell.top - row_top) <= SNAP), key=lambda cell: cell.x0)
        numbered.extend(
            Cell(cell.x0, cell.top, cell.x1, cell.bottom, row=row, column=column) for column, cell in enumerate(in_row)
        )
    columns = sorted({round(x) for cell in cells for x in (cell.x0, cell.x1)})
    bbox = (
        min(cell.x0 for cell in cells),
        row_tops[0],
        max(cell.x1 for cell in cells),
        max(cell.bottom for cell in cells),
    )
    return PageTable(cells=tuple(numbered), row_count=len(row_tops), columns=tuple(columns), bbox=bbox)


# --- lines -----------------------------------------------------------------------------------------------------


def _container_of(segment: Segment, tables: list[PageTable]) -> ContainerKey:
    """The innermost table cell holding the segment's centre, or None for the page body."""
    x, y = (segment.x0 + segment.x1) / 2, (segment.top + segment.bottom) / 2
    best: ContainerKey = None
    best_area = float("inf")
    for table_index, table in enumerate(tables):
        x0, top, x1, bottom = table.bbox
        if not (x0 - SNAP <= x <= x1 + SNAP and top - SNAP <= y <= bottom + SNAP):
            continue
        for cell_index, cell in enumerate(table.cells):
            if cell.top - SNAP <= y <= cell.bottom + SNAP and cell.x0 - SNAP <= x <= cell.x1 + SNAP:
                area = cell.area
                if area < best_area:
                    best, best_area = (table_index, cell_index), area
    return best


def _table_parents(tables: list[PageTable]) -> dict[int, ContainerKey]:
    """For each table, the smallest cell of another table that holds it (nested tables), else the body."""
    parents: dict[int, ContainerKey] = {}
    for index, table in enumerate(tables):
        x0, top, x1, bottom = table.bbox
        holders = [
            (cell.area, (other_index, cell_index))
            for other_index, other in enumerate(tables)
            if other_index != index
            for cell_index, cell in enumerate(other.cells)
            if cell.contains(x0, top) and cell.contains(x1, bottom)
        ]
        parents[index] = min(holders)[1] if holders else None
    return parents


def _join_segments(segments: list[Segment]) -> str:
    """Segments of one line left to right, with a space where a visible gap separates words."""
    text = ""
    previous: Segment | None = None
    for segment in sorted(segments, key=lambda segment: segment.x0):
        gap = segment.x0 - previous.x1 if previous else 0.0
        if previous and gap > 0.15 * segment.size and not text[-1:].isspace() and not segment.text[:1].isspace():
            text += " "
        text += segment.text
        previous = segment
    return " ".join(text.split())


def _bold_lead(segments: list[Segment], text: str) -> int:
    """Characters of the bold segments that open a line which is not all bold."""
    ordered = sorted(segments, key=lambda segment: segment.x0)
    leading = list(itertools.takewhile(lambda segment: segment.bold, ordered))
    if not leading or len(leading) == len(ordered):
        return 0
    lead = _join_segments(leading)
    return len(lead) if text.startswith(lead) else 0


def _line_of(segments: list[Segment]) -> Line:
    leftmost = min(segments, key=lambda segment: segment.x0)
    text = PRIVATE_USE_BULLET.sub("•", _join_segments(segments))
    return Line(
        text=text,
        x0=leftmost.x0,
        top=min(segment.top for segment in segments),
        x1=max(segment.x1 for segment in segments),
        bottom=max(segment.bottom for segment in segments),
        size=max(segment.size for segment in segments),
        bold=all(segment.bold for segment in segments),
        first_word_width=leftmost.first_word_x1 - leftmost.x0,
        bold_lead=_bold_lead(segments, text),
    )


def _lines(segments: list[Segment]) -> list[Line]:
    """Segments grouped into lines: a segment whose vertical middle falls inside the current line joins it."""
    lines: list[list[Segment]] = []
    top = bottom = 0.0
    for segment in sorted(segments, key=lambda segment: (segment.top, segment.x0)):
        middle = (segment.top + segment.bottom) / 2
        if lines and top <= middle <= bottom:
            lines[-1].append(segment)
            top, bottom = min(top, segment.top), max(bottom, segment.bottom)
        else:
            lines.append([segment])
            top, bottom = segment.top, segment.bottom
    return [_line_of(line) for line in lines]


def _page_layout(page: pdfium.PdfPage, number: int) -> tuple[PageLayout, int]:
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        segments, rotated, visible = _segments(textpage, height)
    finally:
        textpage.close()
    tables = _tables(_cells(*_rules(page, height))) if segments else []
    by_container: dict[ContainerKey, list[Segment]] = defaultdict(list)
    for segment in segments:
        by_container[_container_of(segment, tables)].append(segment)
    lines = {key: _lines(members) for key, members in by_container.items()}
    return PageLayout(number, height, tables, lines, _table_parents(tables), rotated), visible


# --- running headers and footers -------------------------------------------------------------------------------


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _in_margin(line: Line, page_height: float) -> bool:
    return line.bottom <= MARGIN_BAND * page_height or line.top >= (1 - MARGIN_BAND) * page_height


def _is_marking_or_page_number(text: str) -> bool:
    key = _furniture_key(text)
    return bool(PAGE_NUMBER.match(key)) or (
        bool(PROTECTIVE_MARKING.match(key)) and len(key.split()) <= MAX_MARKING_WORDS
    )


def _remove_furniture(layouts: list[PageLayout]) -> tuple[str, ...]:
    """Take repeated margin lines, page numbers and protective markings out of the pages; return their text."""
    pages_with: dict[str, set[int]] = defaultdict(set)
    for layout in layouts:
        for container in layout.lines.values():
            for line in container:
                if _in_margin(line, layout.height):
                    pages_with[_furniture_key(line.text)].add(layout.number)
    needed = max(2, round(REPEATED_SHARE * len(layouts) + 0.49))
    repeated = {key for key, pages in pages_with.items() if len(pages) >= needed}
    furniture: dict[str, str] = {}  # normalised text -> first text seen, so "Page 2 of 9" is kept once
    for layout in layouts:
        for text in layout.rotated_text:
            furniture.setdefault(_furniture_key(text), text)
        for key, container in layout.lines.items():
            kept = []
            for line in container:
                if _in_margin(line, layout.height) and (
                    _furniture_key(line.text) in repeated or _is_marking_or_page_number(line.text)
                ):
                    furniture.setdefault(_furniture_key(line.text), line.text)
                else:
                    kept.append(line)
            layout.lines[key] = kept
    return tuple(furniture.values())


# --- document style --------------------------------------------------------------------------------------------


def _document_style(layouts: list[PageLayout]) -> DocumentStyle:
    sizes: Counter[float] = Counter()
    bold_chars = all_chars = 0
    right_edges: list[float] = []
    bottoms: list[float] = [table.bbox[3] for layout in layouts for table in layout.tables]
    vocabulary: set[str] = set()
    for layout in layouts:
        body = layout.lines.get(None, [])
        if body:
            right_edges.append(max(line.x1 for line in body))
            bottoms.append(max(line.bottom for line in body))
        for container in layout.lines.values():
            for line in container:
                sizes[line.size] += len(line.text)
                all_chars += len(line.text)
                bold_chars += len(line.text) if line.bold else 0
                vocabulary.update(WORD.findall(line.text.lower()))
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    gaps = [
        following.top - line.bottom
        for layout in layouts
        for container in layout.lines.values()
        for line, following in itertools.pairwise(container)
        if line.size == following.size == body_size and following.top > line.bottom - body_size
    ]
    usual_gap = statistics.quantiles(gaps, n=4)[0] if len(gaps) >= 2 else 0.2 * body_size
    return DocumentStyle(
        body_size=body_size,
        bold_marks_headings=bold_chars < 0.5 * all_chars,
        paragraph_gap=usual_gap + max(2.0, 0.25 * body_size),
        right_edge=statistics.median(right_edges) if right_edges else 0.0,
        content_bottom=max(bottoms, default=0.0),
        vocabulary=frozenset(vocabulary),
    )


def _heading_like(line: Line, style: DocumentStyle) -> bool:
    return line.size >= style.body_size + HEADING_SIZE_STEP or (style.bold_marks_headings and line.bold)


# --- paragraphs --------------------------------------------------------------------------------------------------


def _join_lines(lines: list[Line], glued: set[int]) -> str:
    """Lines of a block as one text: a hyphen at a line end joins its word up again (hyphen kept), a word cut
    by a narrow column is mended, and punctuation pushed onto the next line joins without a space."""
    joined = ""
    for position, line in enumerate(lines):
        text = line.text
        if joined.endswith(LINE_END_HYPHEN):
            joined = joined[:-1] + "-" + text
        elif not joined or position in glued or text[:1] in CLOSING_PUNCTUATION:
            joined += text
        else:
            joined += " " + text
    return " ".join(joined.replace(LINE_END_HYPHEN, "-").split())


def _word_cut(previous: Line, line: Line, right_edge: float, vocabulary: frozenset[str]) -> bool:
    """Whether a column too narrow for a long word cut it between these lines ("Communicati" / "on and").

    The previous line is that one word, reaching the right edge; the next starts in lower case; and the word
    put back together is one the document uses elsewhere.
    """
    if " " in previous.text or not line.text[:1].islower() or previous.x1 < right_edge - WRAP_SLACK * line.size:
        return False
    return (previous.text + line.text.split(" ", 1)[0]).lower().strip(".,;:!?)") in vocabulary


def _deliberate_break(previous: Line, line: Line, left: float, right_edge: float) -> bool:
    """The previous line stopped short although the next word had room: the writer ended the paragraph there.

    Layout engines wrap a little differently from any estimate, so this only counts when the previous line also
    ends a sentence, or stops well short of the right edge.
    """
    if line.first_word_width + WRAP_SLACK * line.size >= right_edge - previous.x1:
        return False
    return bool(PARAGRAPH_END.search(previous.text)) or previous.x1 - left < SHORT_LINE_SHARE * (right_edge - left)


def _continues(draft: BlockDraft, line: Line, style: DocumentStyle, right_edge: float) -> bool:
    """Whether `line` carries on the paragraph being built rather than starting a new block."""
    previous, first = draft.lines[-1], draft.lines[0]
    if line.marker or _heading_like(line, style) != draft.heading_like or abs(line.size - previous.size) > 1.0:
        return False
    if line.top - previous.bottom > style.gap_limit(line.size):
        return False
    if draft.heading_like:  # a heading wraps like any text, but may be centred or numbered
        return True
    if first.marker:  # a list item carries on only on lines indented past its marker
        return line.x0 > first.x0 + 2.0 and not _deliberate_break(previous, line, first.x0, right_edge)
    if line.x0 > previous.x0 + INDENT_STEP:
        return False
    if len(draft.lines) > 1 and line.x0 < previous.x0 - INDENT_STEP:
        return False
    return not _deliberate_break(previous, line, min(first.x0, line.x0), right_edge)


def _paragraphs(
    lines: list[Line], style: DocumentStyle, right_edge: float, page: int, place: dict[str, int | None]
) -> list[BlockDraft]:
    drafts: list[BlockDraft] = []
    for line in lines:
        if drafts and _continues(drafts[-1], line, style, right_edge):
            drafts[-1].add_line(line, style.vocabulary)
        else:
            drafts.append(BlockDraft([line], page, right_edge, heading_like=_heading_like(line, style), **place))
    return drafts


# --- tables across page breaks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenTable:
    """A table that ended its page, so it may run on at the top of the next one."""

    number: int
    columns: tuple[float, ...]
    last_row_borders: tuple[float, ...]
    bottom: float
    rows: int  # rows numbered so far
    heading_key: str  # its first row's text, to spot a heading row repeated on the next page
    last_row: dict[int, str]  # column -> text of the last block in that column of its last row


@dataclass
class TableNumbering:
    """Document-wide table numbers, and the table that ended the previous page."""

    count: int = 0
    open_table: OpenTable | None = None


def _columns_match(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    return len(first) == len(second) and all(abs(a - b) <= SNAP for a, b in zip(first, second, strict=True))


def _row_key(drafts: list[BlockDraft], table: int, row: int) -> str:
    return "".join(
        re.sub(r"\W+", "", draft.text.lower()) for draft in drafts if draft.table == table and draft.row == row
    )


def _last_texts(drafts: list[BlockDraft], table: int, row: int) -> dict[int, str]:
    return {
        draft.cell: draft.text
        for draft in drafts
        if draft.table == table and draft.row == row and draft.cell is not None
    }


def _shift_rows(drafts: list[BlockDraft], table: int, by: int) -> None:
    for draft in drafts:
        if draft.table == table and draft.row is not None:
            draft.row += by


def _mid_sentence(text: str) -> bool:
    words = text.lower().split()
    return text.endswith((",", LINE_END_HYPHEN)) or bool(words and words[-1] in MID_SENTENCE_WORDS)


def _row_was_split(carried: OpenTable, first_row: dict[int, BlockDraft]) -> bool:
    """Whether the page break cut the previous page's last row, so this first row carries it on.

    A new row almost always has text in its first column; a cut row often does not, or its text carries on
    mid-sentence.
    """
    if not first_row:
        return False
    if 0 not in first_row and carried.last_row.get(0):
        return True
    return any(
        column in carried.last_row
        and (
            _mid_sentence(carried.last_row[column])
            or (not SENTENCE_END.search(carried.last_row[column]) and draft.text[:1].islower())
        )
        for column, draft in first_row.items()
    )


def _carry_on(drafts: list[BlockDraft], carried: OpenTable) -> tuple[list[BlockDraft], int]:
    """Renumber the part of a table that runs on from the previous page; return it and the rows taken back.

    A heading row repeated at the top of the page is dropped; a row the page break cut in two keeps its number,
    and the first text of each of its cells is marked to join the cell's text before the break.
    """
    taken_back = 0
    if carried.heading_key and _row_key(drafts, carried.number, carried.rows) == carried.heading_key:
        drafts = [draft for draft in drafts if not (draft.table == carried.number and draft.row == carried.rows)]
        _shift_rows(drafts, carried.number, -1)
        taken_back += 1
    cut_row = [draft for draft in drafts if draft.table == carried.number and draft.row == carried.rows]
    first_row: dict[int, BlockDraft] = {}
    for draft in cut_row:
        if draft.cell is not None:
            first_row.setdefault(draft.cell, draft)
    if _row_was_split(carried, first_row):
        _shift_rows(drafts, carried.number, -1)
        taken_back += 1
        for draft in cut_row:
            draft.in_cut_row = True
        for column, draft in first_row.items():
            draft.joins_previous = not PARAGRAPH_END.search(carried.last_row.get(column, "."))
    return drafts, taken_back


def _runs_on(carried: OpenTable, table: PageTable, style: DocumentStyle) -> bool:
    """Whether a table at the top of a page carries on the table that ended the previous page.

    Their columns must match (all of them, or those of the rows either side of the break), and the earlier one
    must reach the foot of its page: a table that stopped with room to spare below it was not cut by the break.
    """
    columns_match = _columns_match(carried.columns, table.columns) or _columns_match(
        carried.last_row_borders, _row_borders(table, 0)
    )
    return columns_match and carried.bottom >= style.content_bottom - RUN_ON_MARGIN_LINES * style.body_size


def _row_borders(table: PageTable, row: int) -> tuple[float, ...]:
    return tuple(sorted({round(x) for cell in table.cells if cell.row == row for x in (cell.x0, cell.x1)}))


def _page_drafts(layout: PageLayout, style: DocumentStyle, numbering: TableNumbering) -> list[BlockDraft]:
    """The page's blocks in reading order: body text and tables top to bottom, each table row by row."""
    drafts: list[BlockDraft] = []
    body_items = _items(layout, None)
    carried, numbering.open_table = numbering.open_table, None
    for position, item in enumerate(body_items):
        if not isinstance(item, int):
            drafts.extend(_paragraphs(item, style, style.right_edge, layout.number, {}))
            continue
        table = layout.tables[item]
        if position == 0 and carried is not None and _runs_on(carried, table, style):
            part = _table_drafts(layout, item, carried.number, carried.rows, style, numbering)
            part, taken_back = _carry_on(part, carried)
            number, first_row, heading_key = carried.number, carried.rows - taken_back, carried.heading_key
        else:
            number, first_row = numbering.count, 0
            numbering.count += 1
            part = _table_drafts(layout, item, number, 0, style, numbering)
            heading_key = _row_key(part, number, 0)
        drafts.extend(part)
        if position == len(body_items) - 1:
            rows = first_row + table.row_count
            numbering.open_table = OpenTable(
                number,
                table.columns,
                _row_borders(table, table.row_count - 1),
                table.bbox[3],
                rows,
                heading_key,
                _last_texts(part, number, rows - 1),
            )
    return drafts


def _items(layout: PageLayout, key: ContainerKey) -> list[list[Line] | int]:
    """A container's content top to bottom: runs of lines, and the numbers of tables sitting in it."""
    tables = [index for index, parent in layout.table_parent.items() if parent == key]
    entries = sorted(
        [(line.top, 0, line) for line in layout.lines.get(key, [])]
        + [(layout.tables[index].top, 1, index) for index in tables],
        key=lambda entry: (entry[0], entry[1]),
    )
    items: list[list[Line] | int] = []
    for _, _, entry in entries:
        if isinstance(entry, int):
            items.append(entry)
        elif items and isinstance(items[-1], list):
            items[-1].append(entry)
        else:
            items.append([entry])
    return items


def _table_drafts(
    layout: PageLayout, table_index: int, number: int, row_offset: int, style: DocumentStyle, numbering: TableNumbering
) -> list[BlockDraft]:
    drafts: list[BlockDraft] = []
    cells = layout.tables[table_index].cells
    right_edges = _column_right_edges(layout, table_index)
    for cell_index, cell in enumerate(cells):
        place: dict[str, int | None] = {"table": number, "row": cell.row + row_offset, "cell": cell.column}
        for item in _items(layout, (table_index, cell_index)):
            if isinstance(item, int):
                numbering.count += 1
                drafts.extend(_table_drafts(layout, item, numbering.count - 1, 0, style, numbering))
            else:
                drafts.extend(_paragraphs(item, style, right_edges[round(cell.x1)], layout.number, place))
    return drafts


def _column_right_edges(layout: PageLayout, table_index: int) -> dict[int, float]:
    """Where text lines end in each column of a table, keyed by the column's right border.

    The longest line in a column shows where the word processor wrapped, which a cell's border and padding
    only estimate; a column of short entries keeps the border estimate as an upper bound.
    """
    edges: dict[int, float] = {}
    for cell_index, cell in enumerate(layout.tables[table_index].cells):
        border = round(cell.x1)
        longest = max((line.x1 for line in layout.lines.get((table_index, cell_index), [])), default=0.0)
        edges[border] = max(edges.get(border, 0.0), min(longest, cell.x1 - CELL_PADDING))
    return edges


def _joins_across_pages(previous: BlockDraft, following: BlockDraft) -> bool:
    """A body paragraph cut by a page break: no sentence end before the break, plain text after it."""
    return (
        previous.table is None
        and following.table is None
        and not previous.heading_like
        and not following.heading_like
        and not following.lines[0].marker
        and abs(previous.lines[-1].size - following.lines[0].size) <= 1.0
        and not SENTENCE_END.search(previous.text)
    )


def _last_of_cell(drafts: list[BlockDraft], draft: BlockDraft) -> int | None:
    """Where the last block before the page break in `draft`'s table cell sits in `drafts`."""
    for position in range(len(drafts) - 1, -1, -1):
        earlier = drafts[position]
        if (earlier.table, earlier.row, earlier.cell) == (draft.table, draft.row, draft.cell):
            return position
        if earlier.table is None:  # body text comes before the table: the cell is not there
            return None
    return None


def _place(drafts: list[BlockDraft], draft: BlockDraft, vocabulary: frozenset[str]) -> None:
    """Add a block in reading order; a block of a cut table row goes with its cell's text before the break."""
    anchor = _last_of_cell(drafts, draft) if draft.in_cut_row else None
    if anchor is None:
        drafts.append(draft)
    elif draft.joins_previous:
        drafts[anchor].absorb(draft, vocabulary)
    else:
        drafts.insert(anchor + 1, draft)


def _kind(draft: BlockDraft) -> BlockKind:
    if draft.table is not None:
        return "table_cell"
    if draft.heading_like and len(draft.lines) <= MAX_HEADING_LINES and len(draft.text.split()) <= MAX_HEADING_WORDS:
        return "heading"
    if draft.lines[0].marker:
        return "list_item"
    return "paragraph"


def _block(draft: BlockDraft, index: int) -> Block:
    bbox = (
        round(min(line.x0 for line in draft.lines), 1),
        round(min(line.top for line in draft.lines), 1),
        round(max(line.x1 for line in draft.lines), 1),
        round(max(line.bottom for line in draft.lines), 1),
    )
    return Block(
        text=draft.text,
        kind=_kind(draft),
        location=Location(index=index, page=draft.page, bbox=bbox, table=draft.table, row=draft.row, cell=draft.cell),
        bold=all(line.bold for line in draft.lines),
        font_size=max(line.size for line in draft.lines),
        bold_lead=draft.lines[0].bold_lead if draft.text.startswith(draft.lines[0].text) else 0,
    )


# --- the whole document ----------------------------------------------------------------------------------------


def _read_layouts(pdf: pdfium.PdfDocument, name: str) -> list[PageLayout]:
    layouts: list[PageLayout] = []
    most_visible = 0
    for index in range(len(pdf)):
        page = pdf[index]
        try:
            layout, visible = _page_layout(page, index + 1)
        finally:
            page.close()
        layouts.append(layout)
        most_visible = max(most_visible, visible)
    if most_visible < MIN_TEXT_CHARS:
        raise InputError(
            f"{name} has no text layer; it looks scanned. Run OCR on it first (for example ocrmypdf) and try again."
        )
    return layouts


def read_pdf(path: Path) -> Document:
    """The plan's body blocks in reading order, with running headers and footers kept apart."""
    pdf = _open(path)
    try:
        layouts = _read_layouts(pdf, path.name)
    except pdfium.PdfiumError:
        raise InputError(f"{path.name} is corrupt or incomplete: a page cannot be read") from None
    finally:
        pdf.close()
    furniture = _remove_furniture(layouts)
    style = _document_style(layouts)
    numbering = TableNumbering()
    drafts: list[BlockDraft] = []
    for layout in layouts:
        page_drafts = _page_drafts(layout, style, numbering)
        if drafts and page_drafts and _joins_across_pages(drafts[-1], page_drafts[0]):
            drafts[-1].absorb(page_drafts.pop(0), style.vocabulary)
        for draft in page_drafts:
            _place(drafts, draft, style.vocabulary)

    blocks = tuple(_block(draft, index) for index, draft in enumerate(drafts))
    return Document(path=str(path), kind="pdf", blocks=blocks, furniture=furniture, page_count=len(layouts))
