"""Benchmark the readers against the raw libraries on a 40-page plan, in one run.

    python bench/read.py [--docx PLAN.docx --pdf PLAN.pdf] [--repeat 5]

Times `read_document` on a .docx against raw python-docx (body paragraphs plus every table cell's text), and on
a PDF against pdfplumber's `extract_text` over every page; prints medians, the speed ratios and peak memory.
Peak memory is measured twice: the Python heap (tracemalloc, in this process; it does not see lxml's or
PDFium's native allocations) and how much one read raises the peak resident set size of a fresh process
(which does).

Without --docx/--pdf it uses the largest plan under fixtures/plans/ that has both a .docx and a PDF of at least
40 pages; if there is none it builds a synthetic 40-page plan in a temporary folder (python-docx, then
LibreOffice `soffice --headless --convert-to pdf`).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import docx
import pdfplumber
import pypdfium2 as pdfium
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ehcp_qa.read import read_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_PLANS = ROOT / "fixtures" / "plans"
TARGET_PAGES = 40


def raw_docx(path: Path) -> int:
    """What a plain python-docx reader does: body paragraphs, then every cell of every top-level table."""
    document = docx.Document(str(path))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return sum(len(text) for text in texts)


def raw_pdfplumber(path: Path) -> int:
    total = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            total += len(page.extract_text() or "")
            page.close()
    return total


def ours(path: Path) -> int:
    return sum(len(block.text) for block in read_document(path).blocks)


READERS: dict[str, Callable[[Path], int]] = {
    "read_document": ours,
    "python-docx": raw_docx,
    "pdfplumber": raw_pdfplumber,
}


def median_seconds(reader: Callable[[Path], int], path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        reader(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def python_heap_peak(reader: Callable[[Path], int], path: Path) -> int:
    tracemalloc.start()
    try:
        reader(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def process_peak_rss_growth(reader_name: str, path: Path) -> int:
    """How far one read raises the peak resident memory of a fresh interpreter, in bytes (native memory too)."""
    output = subprocess.run(
        [sys.executable, __file__, "--rss-of", reader_name, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(json.loads(output)["rss_growth_bytes"])


def _proc_status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def report_rss_of(reader_name: str, path: Path) -> None:
    """Print how far one read lifts resident memory above where it stood after the imports (Linux)."""
    reader = READERS[reader_name]
    clear_refs = Path("/proc/self/clear_refs")
    if clear_refs.exists():
        before = _proc_status_kib("VmRSS")
        clear_refs.write_text("5")  # resets the peak (VmHWM) to the current resident size
        reader(path)
        growth = _proc_status_kib("VmHWM") - before
    else:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        reader(path)
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"rss_growth_bytes": growth * 1024}))  # both are in KiB on Linux


# --- finding or building a 40-page plan ------------------------------------------------------------------------


def page_count(pdf_path: Path) -> int:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def fixture_pair() -> tuple[Path, Path] | None:
    """The longest fixture plan with both a .docx and a PDF of at least 40 pages."""
    pairs = [
        (page_count(pdf), docx_path, pdf)
        for pdf in FIXTURE_PLANS.glob("**/*.pdf")
        if (docx_path := pdf.with_suffix(".docx")).exists()
    ]
    long_enough = [pair for pair in pairs if pair[0] >= TARGET_PAGES]
    if not long_enough:
        return None
    _, docx_path, pdf_path = max(long_enough)
    return docx_path, pdf_path


def add_page_number_footer(document: docx.document.Document) -> None:
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Sam Example - EHC plan - "
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))


def add_section(document: docx.document.Document, letter: str, title: str, repeats: int) -> None:
    """One invented plan section: a heading, prose, a bulleted list and a ruled need/outcome/provision table."""
    document.add_heading(f"Section {letter}: {title}", 1)
    for number in range(repeats):
        document.add_paragraph(
            f"Sam is an invented pupil in Year 5 (paragraph {number}). He enjoys trains, drawing and swimming, and "
            "he finds busy, noisy rooms hard to manage. He communicates in short sentences and uses a visual "
            "timetable to prepare for changes. Staff report that he responds well to calm, predictable routines."
        )
    for item in ("a visual timetable on his desk", "movement breaks every 30 minutes", "a named key adult"):
        document.add_paragraph(f"Sam benefits from {item}.", style="List Bullet")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, ("Need", "Outcome", "Provision", "Who and how often"), strict=True):
        cell.text = heading
    for row_number in range(repeats):
        cells = table.add_row().cells
        cells[0].text = f"Need {row_number}: reading comprehension below age-related expectations."
        cells[1].text = "By July 2026 Sam will answer three questions about a short text he has read."
        cells[2].text = "Daily 20-minute small-group (1:4) reading intervention using a structured programme."
        cells[3].text = "Teaching assistant trained by the specialist teacher, daily, reviewed termly."


def build_plan(folder: Path, repeats: int) -> tuple[Path, Path]:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "OFFICIAL - SENSITIVE"
    add_page_number_footer(document)
    document.add_heading("Education, Health and Care Plan", 0)
    details = document.add_table(rows=0, cols=2)
    details.style = "Table Grid"
    for label, value in (("Name", "Sam Example"), ("Date of birth", "1 January 2016"), ("Year group", "5")):
        cells = details.add_row().cells
        cells[0].text, cells[1].text = label, value
    titles = ("Views, interests and aspirations", "Special educational needs", "Health needs", "Social care needs")
    titles += ("Outcomes", "Special educational provision", "Health provision", "Social care provision")
    for letter, title in zip("ABCDEFGH", titles, strict=True):
        add_section(document, letter, title, repeats)
    docx_path = folder / "bench-plan.docx"
    document.save(str(docx_path))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return docx_path, folder / "bench-plan.pdf"


def generated_pair(folder: Path) -> tuple[Path, Path]:
    """A synthetic plan of at least 40 pages: grow the content until LibreOffice lays it out that long."""
    if shutil.which("soffice") is None:
        sys.exit("no 40-page fixture under fixtures/plans/ and no LibreOffice (soffice) to build one")
    repeats = 8
    while True:
        docx_path, pdf_path = build_plan(folder, repeats)
        pages = page_count(pdf_path)
        if pages >= TARGET_PAGES:
            return docx_path, pdf_path
        repeats = int(repeats * TARGET_PAGES / pages) + 1


# --- the run -----------------------------------------------------------------------------------------------------


def compare(label: str, path: Path, baseline: str, repeat: int) -> None:
    ours_seconds = median_seconds(ours, path, repeat)
    baseline_seconds = median_seconds(READERS[baseline], path, repeat)
    print(f"\n{label}: {path.name}" + (f" ({page_count(path)} pages)" if path.suffix == ".pdf" else ""))
    print(f"  read_document      median {ours_seconds * 1000:8.1f} ms")
    print(f"  {baseline:<18} median {baseline_seconds * 1000:8.1f} ms")
    print(f"  speed ratio        {baseline_seconds / ours_seconds:8.1f}x  ({baseline} time / read_document time)")
    for name in ("read_document", baseline):
        heap = python_heap_peak(READERS[name], path)
        rss = process_peak_rss_growth(name, path)
        print(f"  peak memory {name:<18} python heap {heap / 2**20:6.1f} MB   process RSS +{rss / 2**20:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docx", type=Path)
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rss-of", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.rss_of:
        report_rss_of(arguments.rss_of[0], Path(arguments.rss_of[1]))
        return
    with tempfile.TemporaryDirectory(prefix="ehcp-qa-bench-") as folder:
        if arguments.docx and arguments.pdf:
            docx_path, pdf_path = arguments.docx, arguments.pdf
        else:
            docx_path, pdf_path = fixture_pair() or generated_pair(Path(folder))
        print(f"{arguments.repeat} repetitions each; medians; higher ratio = read_document faster")
        compare(".docx", docx_path, "python-docx", arguments.repeat)
        compare("PDF", pdf_path, "pdfplumber", arguments.repeat)


if __name__ == "__main__":
    main()
