"""Redact a .docx package part by part, keeping its layout.

Every XML part is cleaned, not only the body: headers, footers, footnotes, endnotes, text boxes, content controls,
the glossary, charts and diagrams, document properties and relationship targets. Tracked changes are accepted
(inserted text stays, redacted; deleted text goes, since it would still be in the file). Comments, the people list,
custom properties, custom XML data and the page thumbnail are removed; pictures are blanked (a photo can identify
a child) at the same size.

Replacement is done per paragraph: the runs' text is joined, identifiers are found in the joined text, and each
replacement goes into the first run of its span, the others being trimmed, so a name split across runs is found and
the run formatting stays.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from ehcp_qa.errors import InputError
from ehcp_qa.redact.identify import Doubt, Hit, Redactor, apply_hits

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CORE = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"

MAX_PARTS = 5000
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024  # a zip bomb stops here, not in memory

_PARAGRAPHS = (f"{{{W}}}p", f"{{{A}}}p")
_TEXTS = (f"{{{W}}}t", f"{{{A}}}t")
_BREAKS = {
    f"{{{W}}}tab": "\t",
    f"{{{W}}}br": "\n",
    f"{{{W}}}cr": "\n",
    f"{{{W}}}noBreakHyphen": "-",
    f"{{{A}}}br": "\n",
}
# Revision marks whose content is deleted text, and change records that keep old properties and an author.
_DELETED = ("del", "moveFrom", "delInstrText", "delText")
_CHANGE_RECORDS = (
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "tblPrExChange",
    "trPrChange",
    "tcPrChange",
    "tblGridChange",
    "numberingChange",
    "cellIns",
    "cellDel",
    "cellMerge",
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
)
_INSERTED = ("ins", "moveTo")
_COMMENT_MARKS = ("commentRangeStart", "commentRangeEnd")
# Settings and controls that carry data the reader never sees: document variables, mail-merge sources, bindings.
_HIDDEN_DATA = ("docVars", "mailMerge", "dataBinding", "attachedTemplate")
_REMOVED_PART = re.compile(
    r"^(?:word/comments[A-Za-z]*\.xml|word/people\.xml|docProps/custom\.xml|docProps/thumbnail\.[a-z]+|"
    r"customXml/.*)$"
)
_STORY_PART = re.compile(r"^word/(?:document|header\d*|footer\d*)\.xml$")
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|bmp|tiff?|emf|wmf|svg|wdp|jfif)$", re.IGNORECASE)
_EMBEDDED = re.compile(r"^word/embeddings/")
_TYPED_ATTRIBUTES = frozenset({f"{{{W}}}fullDate", f"{{{W}}}date"})
# Colours, revision ids and short numbers ("F5F8EE" looks like a postcode): never an identifier, and changing
# one would corrupt the file. Ten-digit numbers are still read (an NHS number in a content control's tag).
_CODE_VALUE = re.compile(r"^(?:[0-9A-Fa-f]{1,8}|\d{1,8})$")
_WORTH_SCANNING = re.compile(r"[A-Za-z]{2}|\d{5}|@|\d[-/.]\d")
# A 1x1 transparent PNG: pictures keep their frame size (set in the drawing) and show nothing.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@dataclass(frozen=True)
class Place:
    """Where a hit or doubt was: the .docx part and its paragraph number (for a PDF, no part, the block index and
    the page), and the plan section."""

    part: str
    paragraph: int | None
    section: str | None
    page: int | None = None


@dataclass
class Tally:
    """What a redaction did, without the values: counts per label kind, doubts by place, parts removed."""

    counts: dict[str, int] = field(default_factory=dict)
    doubts: list[tuple[Place, Doubt]] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)

    def record(self, hits: list[Hit], doubts: list[Doubt], place: Place) -> None:
        for hit in hits:
            self.counts[hit.kind] = self.counts.get(hit.kind, 0) + 1
        self.doubts.extend((place, doubt) for doubt in doubts)

    def note(self, what: str, count: int = 1) -> None:
        if count:
            self.removed[what] = self.removed.get(what, 0) + count


def _qualified(namespace: str, names: tuple[str, ...]) -> set[str]:
    return {f"{{{namespace}}}{name}" for name in names}


def read_package(data: bytes, name: str) -> dict[str, bytes]:
    """The parts of a .docx, bounded in count and size; InputError if it is not one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise InputError(f"{name}: too many or too large parts inside the .docx")
        parts = {info.filename: archive.read(info) for info in infos if not info.is_dir()}
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(f"{name}: not a readable .docx ({type(error).__name__})") from None
    if "word/document.xml" not in parts:
        raise InputError(f"{name}: not a Word document (no word/document.xml)")
    return parts


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def paragraphs(root: etree._Element) -> Iterator[list[tuple[etree._Element | None, str]]]:
    """Each paragraph's pieces in order: (text node, its text) for text, (None, "\\t") for tabs and breaks.

    A paragraph inside a text box inside another paragraph is its own paragraph, not part of the outer one.
    """
    groups: dict[etree._Element, list[tuple[etree._Element | None, str]]] = {}
    for element in root.iter(*_TEXTS, *_BREAKS):
        paragraph = next((anc for anc in element.iterancestors() if anc.tag in _PARAGRAPHS), None)
        if paragraph is None:
            continue
        if element.tag in _TEXTS:
            groups.setdefault(paragraph, []).append((element, element.text or ""))
        else:
            groups.setdefault(paragraph, []).append((None, _BREAKS[element.tag]))
    yield from groups.values()


def paragraph_text(pieces: list[tuple[etree._Element | None, str]]) -> str:
    return "".join(text for _, text in pieces)


def _rewrite_paragraph(pieces: list[tuple[etree._Element | None, str]], hits: list[Hit]) -> None:
    """Put each hit's label in the first text node its span touches and trim the span from the other nodes."""
    offset = 0
    labelled: set[int] = set()  # hits whose label is already placed
    for node, text in pieces:
        start, end = offset, offset + len(text)
        offset = end
        if node is None:
            continue
        touching = [index for index, hit in enumerate(hits) if hit.start < end and start < hit.end]
        local = [
            Hit(
                max(hits[index].start, start) - start,
                min(hits[index].end, end) - start,
                hits[index].kind,
                "" if index in labelled else hits[index].label,
            )
            for index in touching
        ]
        labelled.update(touching)
        if local:
            node.text = apply_hits(text, local)
            if node.tag == f"{{{W}}}t":
                node.set(XML_SPACE, "preserve")


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its children (accepting an insertion keeps its runs)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for child in reversed(list(element)):
        parent.insert(index, child)
    parent.remove(element)


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def accept_revisions(root: etree._Element, tally: Tally) -> None:
    """Accept tracked changes: deleted content goes (it would still be in the file), insertions stay."""
    deleted_rows = [mark.getparent().getparent() for mark in root.iter(f"{{{W}}}del") if _in_row_properties(mark)]
    for row in deleted_rows:
        _remove(row)
    deleted = list(root.iter(*_qualified(W, _DELETED)))
    for element in deleted:
        _remove(element)
    tally.note("tracked deletions removed", len(deleted) + len(deleted_rows))
    for element in list(root.iter(*_qualified(W, _CHANGE_RECORDS))):
        _remove(element)
    inserted = list(root.iter(*_qualified(W, _INSERTED)))
    for element in inserted:
        if element.getparent() is not None and element.getparent().tag in (f"{{{W}}}rPr", f"{{{W}}}trPr"):
            _remove(element)  # a mark on a paragraph mark or row, with no content of its own
        else:
            _unwrap(element)
    tally.note("tracked insertions accepted", len(inserted))


def _in_row_properties(mark: etree._Element) -> bool:
    parent = mark.getparent()
    return parent is not None and parent.tag == f"{{{W}}}trPr" and parent.getparent() is not None


def remove_comment_anchors(root: etree._Element, tally: Tally) -> None:
    references = list(root.iter(f"{{{W}}}commentReference"))
    for reference in references:
        run = reference.getparent()
        _remove(reference)
        if run is not None and all(child.tag == f"{{{W}}}rPr" for child in run):
            _remove(run)
    for mark in list(root.iter(*_qualified(W, _COMMENT_MARKS))):
        _remove(mark)
    tally.note("comments removed", len(references))


def remove_hidden_data(root: etree._Element) -> None:
    for element in list(root.iter(*_qualified(W, _HIDDEN_DATA))):
        _remove(element)


def clear_properties(part: str, root: etree._Element, tally: Tally) -> None:
    """Author, last editor, company and manager go; title and subject are kept but redacted like any text."""
    if part == "docProps/core.xml":
        names = [f"{{{CORE['dc']}}}creator", f"{{{CORE['cp']}}}lastModifiedBy"]
    elif part == "docProps/app.xml":
        names = [f"{{{APP}}}{name}" for name in ("Company", "Manager", "HyperlinkBase")]
    else:
        return
    for element in root.iter(*names):
        if element.text:
            element.text = ""
            tally.note("document properties cleared")


def _sweep(root: etree._Element, redact: Callable[[str], str], skip: set[etree._Element]) -> None:
    """Redact every other text node and attribute value on its own: field codes, properties, alt text, data."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element not in skip and element.text and _WORTH_SCANNING.search(element.text):
            element.text = redact(element.text)
        if element.tail and element.tail.strip() and _WORTH_SCANNING.search(element.tail):
            element.tail = redact(element.tail)
        for name, value in element.attrib.items():
            if not _WORTH_SCANNING.search(value) or _CODE_VALUE.match(value):
                continue
            redacted = redact(value)
            if redacted != value and name in _TYPED_ATTRIBUTES:
                del element.attrib[name]  # a date-typed value cannot hold a label; the shown text keeps one
            elif redacted != value:
                element.set(name, redacted)


def redact_xml_part(
    part: str,
    root: etree._Element,
    redactor: Redactor,
    tally: Tally,
    section_of: Callable[[str, str | None], str | None],
) -> None:
    """Clean one XML part in place."""
    accept_revisions(root, tally)
    remove_comment_anchors(root, tally)
    remove_hidden_data(root)
    clear_properties(part, root, tally)
    section: str | None = None
    done: set[etree._Element] = set()
    for number, pieces in enumerate(paragraphs(root)):
        text = paragraph_text(pieces)
        if part == "word/document.xml":
            section = section_of(text, section)
        hits, doubts = redactor.scan(text)
        tally.record(hits, doubts, Place(part, number, section))
        if hits:
            _rewrite_paragraph(pieces, hits)
        done.update(node for node, _ in pieces if node is not None)

    seen: dict[str, tuple[str, list[Hit], list[Doubt]]] = {}  # attribute values repeat (style ids, rsids)

    def redact_alone(value: str) -> str:
        if value not in seen:
            seen[value] = redactor.redact(value)
        redacted, hits, doubts = seen[value]
        tally.record(hits, doubts, Place(part, None, None))
        return redacted

    _sweep(root, redact_alone, done)


def _target_part(rels_part: str, target: str) -> str:
    """The part a relationship points at: targets are relative to the folder above _rels/."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(posixpath.dirname(rels_part)), target))


def clean_relationships(part: str, root: etree._Element, removed: set[str], redactor: Redactor) -> None:
    """Drop relationships to removed parts; blank local file paths (they hold user names); redact the rest."""
    for relationship in list(root.iter(f"{{{REL}}}Relationship")):
        target = relationship.get("Target", "")
        if relationship.get("TargetMode") == "External":
            if target.lower().startswith("file:") or "\\" in target:
                relationship.set("Target", "file:///redacted")
            else:
                relationship.set("Target", redactor.redact(target)[0])
        elif _target_part(part, target) in removed:
            _remove(relationship)


def clean_content_types(root: etree._Element, removed: set[str]) -> None:
    for override in list(root.iter(f"{{{CONTENT_TYPES}}}Override")):
        if override.get("PartName", "").lstrip("/") in removed:
            _remove(override)


def redact_package(
    parts: dict[str, bytes],
    redactor: Redactor,
    section_of: Callable[[str, str | None], str | None],
) -> tuple[dict[str, bytes], Tally]:
    """The redacted parts, in the same order, and what was done."""
    tally = Tally()
    removed = {name for name in parts if _REMOVED_PART.match(name)}
    removed |= {f"{posixpath.dirname(name)}/_rels/{posixpath.basename(name)}.rels".lstrip("/") for name in removed}
    tally.note("parts removed (comments, people, custom properties, custom XML, thumbnail)", len(removed & set(parts)))
    output: dict[str, bytes] = {}
    for name, data in parts.items():
        if name in removed:
            continue
        if _IMAGE.search(name):
            output[name] = BLANK_PNG
            tally.note("pictures blanked")
        elif name.endswith((".xml", ".rels")):
            output[name] = _redact_xml(name, data, redactor, tally, removed, section_of)
        else:
            if _EMBEDDED.match(name):
                tally.doubts.append(
                    (Place(name, None, None), Doubt(0, 0, "EMBEDDED OBJECT", "embedded file not checked"))
                )
            output[name] = data
    return output, tally


def _redact_xml(
    name: str,
    data: bytes,
    redactor: Redactor,
    tally: Tally,
    removed: set[str],
    section_of: Callable[[str, str | None], str | None],
) -> bytes:
    try:
        root = _parse(data)
    except etree.XMLSyntaxError:
        raise InputError(f"{name}: a part of the .docx is not well-formed XML") from None
    if name == "[Content_Types].xml":
        clean_content_types(root, removed)
    elif name.endswith(".rels"):
        clean_relationships(name, root, removed, redactor)
    else:
        redact_xml_part(name, root, redactor, tally, section_of)
    return _serialise(root)


def write_package(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(parts, key=lambda part: part != "[Content_Types].xml"):
            archive.writestr(name, parts[name])
    return buffer.getvalue()


def _readable(data: bytes) -> etree._Element | None:
    """A part as a reader sees it (deleted revisions gone), or None when it is not XML."""
    try:
        root = _parse(data)
    except etree.XMLSyntaxError:
        return None
    for element in list(root.iter(*_qualified(W, _DELETED))):
        _remove(element)
    return root


def package_texts(parts: dict[str, bytes]) -> list[str]:
    """Every paragraph's text and every property value of every XML part: what the identifier search reads."""
    texts: list[str] = []
    for name, data in parts.items():
        root = _readable(data) if name.endswith(".xml") else None
        if root is None:
            continue
        found = [paragraph_text(pieces) for pieces in paragraphs(root)]
        if not found:
            found = [element.text for element in root.iter() if isinstance(element.tag, str) and element.text]
        texts.extend(text for text in found if text.strip())
    return texts


def table_pairs(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """Label/value pairs of every table row (cells 0|1, 2|3 ...) in the body, headers and footers, each cell's
    paragraphs kept on their own lines (an address cell keeps its lines)."""
    pairs: list[tuple[str, str]] = []
    for name, data in parts.items():
        root = _readable(data) if _STORY_PART.match(name) else None
        if root is None:
            continue
        for row in root.iter(f"{{{W}}}tr"):
            cells = [
                "\n".join(paragraph_text(pieces) for pieces in paragraphs(cell))
                for cell in row.iterchildren(f"{{{W}}}tc")
            ]
            pairs.extend(zip(cells[0::2], cells[1::2], strict=False))
    return pairs
