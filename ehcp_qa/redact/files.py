"""Redact one plan file, or every plan in a folder, and write the report beside each redacted copy."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ehcp_qa.errors import InputError
from ehcp_qa.metadata import label_value_pairs
from ehcp_qa.model import Block, Document, Location, Plan
from ehcp_qa.read import read_document
from ehcp_qa.read.safety import check_input
from ehcp_qa.redact import docx as docx_redaction
from ehcp_qa.redact import pdf as pdf_rendering
from ehcp_qa.redact.identify import Redactor, collect
from ehcp_qa.redact.labels import PEOPLE_KINDS, SCHOOL
from ehcp_qa.redact.report import RedactionReport, UnsurePlace, write_report
from ehcp_qa.segment import segment
from ehcp_qa.vocabulary import normalise

PLAN_SUFFIXES = (".docx", ".pdf")
SAME_LAYOUT_NOTE = "Word document redacted in place: same layout, every part cleaned"


def _advice(plan: Plan) -> list[str]:
    section = plan.section("K")
    return [block.text for block in section.blocks] if section else []


def _as_blocks(texts: list[str]) -> list[Block]:
    return [Block(text, "paragraph", Location(index)) for index, text in enumerate(texts)]


def _redactor(
    plan: Plan, document: Document, texts: list[str], redact_schools: bool, tables: list[tuple[str, str]]
) -> Redactor:
    """What to remove: the plan's metadata and section K, plus label/value pairs found anywhere (table rows with
    their cells' lines kept, "Label: value" lines in any part)."""
    pairs = tables + label_value_pairs(document.blocks) + label_value_pairs(_as_blocks(texts))
    return collect(plan.metadata, _advice(plan), texts, pairs, redact_schools=redact_schools)


def _section_tracker(plan: Plan) -> Callable[[str, str | None], str | None]:
    """Follows the body paragraph by paragraph: a paragraph that is a section's heading opens that section."""
    titles = {normalise(section.title): section.id for section in plan.sections if normalise(section.title)}

    def section_of(text: str, current: str | None) -> str | None:
        return titles.get(normalise(text), current)

    return section_of


def _unsure(tally: docx_redaction.Tally) -> tuple[UnsurePlace, ...]:
    places = []
    for place, doubt in tally.doubts:
        if place.part:
            places.append(UnsurePlace(doubt.kind, doubt.reason, place.section, place.part, place.paragraph))
        else:
            places.append(UnsurePlace(doubt.kind, doubt.reason, place.section, page=place.page, block=place.paragraph))
    return tuple(dict.fromkeys(places))


def _distinct(redactor: Redactor) -> tuple[tuple[str, int], ...]:
    people = [person.kind for person in redactor.people.people]
    counts = [(kind, people.count(kind)) for kind in PEOPLE_KINDS if kind in people]
    if redactor.schools is not None and redactor.schools.numbers:
        counts.append((SCHOOL, len(redactor.schools.numbers)))
    return tuple(counts)


def _write_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Write beside the target then rename, so a failed run leaves no half-written copy to be shared."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".redacting-", suffix=out.suffix)
    except OSError as error:
        raise InputError(f"{out.name}: cannot write the redacted copy there ({type(error).__name__})") from None
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, out)
    except OSError as error:
        raise InputError(f"{out.name}: cannot write the redacted copy there ({type(error).__name__})") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _leftovers(texts: list[str], redactor: Redactor) -> int:
    return sum(len(redactor.scan(text)[0]) for text in texts)


def _redact_docx(source: Path, out: Path, document: Document, plan: Plan, redact_schools: bool) -> RedactionReport:
    parts = docx_redaction.read_package(source.read_bytes(), source.name)
    texts = docx_redaction.package_texts(parts)
    redactor = _redactor(plan, document, texts, redact_schools, docx_redaction.table_pairs(parts))
    redacted, tally = docx_redaction.redact_package(parts, redactor, _section_tracker(plan))
    data = docx_redaction.write_package(redacted)
    _write_atomically(out, lambda path: path.write_bytes(data))
    return RedactionReport(
        output=out,
        output_kind="docx",
        output_note=SAME_LAYOUT_NOTE,
        counts=tuple(sorted(tally.counts.items())),
        distinct=_distinct(redactor),
        removed=tuple(sorted(tally.removed.items())),
        unsure=_unsure(tally),
        leftovers=_leftovers(docx_redaction.package_texts(redacted), redactor),
    )


def _render_pdf(out: Path, document: Document, plan: Plan, redact_schools: bool) -> RedactionReport:
    as_text = out.suffix.lower() == ".txt"
    target = out if as_text or out.suffix.lower() == ".docx" else out.with_suffix(".docx")
    texts = [block.text for block in document.blocks] + list(document.furniture)
    redactor = _redactor(plan, document, texts, redact_schools, [])
    section_of_block = {block.location.index: section.id for section in plan.sections for block in section.blocks}
    tally = docx_redaction.Tally()
    blocks = pdf_rendering.redact_blocks(document.blocks, redactor, tally, section_of_block)
    writer = pdf_rendering.write_text if as_text else pdf_rendering.write_docx
    _write_atomically(target, lambda path: writer(blocks, path))
    tally.note("running headers and footers dropped", len(document.furniture))
    return RedactionReport(
        output=target,
        output_kind="text-rendering" if as_text else "docx-rendering",
        output_note=pdf_rendering.RENDERING_NOTE,
        counts=tuple(sorted(tally.counts.items())),
        distinct=_distinct(redactor),
        removed=tuple(sorted(tally.removed.items())),
        unsure=_unsure(tally),
        leftovers=_leftovers([block.text for block in blocks], redactor),
    )


def _same_file(one: Path, other: Path) -> bool:
    if one.resolve() == other.resolve():
        return True
    return other.exists() and one.exists() and os.path.samefile(one, other)


def redact_file(source: Path, out: Path, *, redact_schools: bool = False) -> RedactionReport:
    """Write a redacted copy of a plan to `out` and its report to `<out>.redaction.json`; the source is only read.

    A .docx gives a .docx with the same layout. A PDF gives a .docx rendering of its text (or plain text when `out`
    ends in .txt): see pdf.py for why. Raises InputError for unreadable input or an `out` that is the source.
    """
    source, out = Path(source), Path(out)
    if _same_file(source, out) or (out.suffix.lower() == ".pdf" and _same_file(source, out.with_suffix(".docx"))):
        raise InputError(f"{source.name}: refusing to write the redacted copy over the original")
    kind = check_input(source)
    document = read_document(source)
    plan = segment(document)
    if kind == "docx":
        report = _redact_docx(source, out, document, plan, redact_schools)
    else:
        report = _render_pdf(out, document, plan, redact_schools)
    write_report(report)
    return report


def redact_folder(
    folder: Path, out_dir: Path, *, redact_schools: bool = False
) -> list[tuple[Path, RedactionReport | str]]:
    """Redact every .docx and .pdf directly in `folder` into `out_dir`; per file, its report or why it failed.

    Copies are numbered (plan-001.docx ...) in name order because file names often hold the child's name.
    One bad file does not stop the rest.
    """
    folder, out_dir = Path(folder), Path(out_dir)
    if not folder.is_dir():
        raise InputError(f"{folder.name or folder}: not a folder")
    sources = sorted(path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in PLAN_SUFFIXES)
    results: list[tuple[Path, RedactionReport | str]] = []
    for number, source in enumerate(sources, start=1):
        out = out_dir / f"plan-{number:03d}.docx"
        try:
            results.append((source, redact_file(source, out, redact_schools=redact_schools)))
        except InputError as error:
            results.append((source, str(error)))
        except Exception as error:
            # One broken file must not stop a batch; the reason names the error type, never the plan's text.
            results.append((source, f"{source.name}: could not be redacted ({type(error).__name__})"))
    return results
