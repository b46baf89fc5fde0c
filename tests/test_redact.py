"""Redaction of .docx plans: every part cleaned, the same labels for the same people, content kept.

The plans here are built with python-docx and then given the parts python-docx cannot write (tracked changes,
content controls, text boxes, custom properties, custom XML, a mailto link), so each leak path is exercised.
Everything is invented.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from ehcp_qa.model import Metadata
from ehcp_qa.read import read_document
from ehcp_qa.redact import RedactionReport, redact_file, redact_folder
from ehcp_qa.redact.identify import Redactor, collect
from ehcp_qa.redact.names import titled_names
from ehcp_qa.segment import segment

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

PERSONAL_DETAILS = [
    ("Name", "Oliver James Bennett"),
    ("Known as", "Ollie"),
    ("Date of birth", "14/03/2015"),
    ("NHS number", "943 476 5919"),
    ("UPN", "B801200005001"),
    ("National Insurance number", "JT 48 37 21 B"),
    ("Address", "12 Acacia Avenue\nNewtown\nNT1 2AB"),
    ("Parents", "Mrs Sarah Bennett (mother) and Mr Daniel Bennett (father)"),
    ("Telephone", "07700 900123"),
    ("Email", "sarah.bennett@example.com"),
    ("School", "Newtown Primary School"),
    ("Year group", "Year 4"),
]
# Every identifier the plan holds, as regexes searched case-insensitively in every text and attribute value.
IDENTIFIERS = [
    r"\boliver",
    r"\bbennett",
    r"\bollie",
    r"\bsarah",
    r"\bdaniel",
    r"\bpatel",
    r"\bsusan",
    r"\bjane\s+doe|\bdoe\b",
    r"\bjacob",
    r"\bokafor",
    r"\bhelen",
    r"\bwhitfield",
    r"mrs\.?\s+williams",
    r"943\s?476\s?5919|9434765919",
    r"B801200005001",
    r"JT\s?48\s?37\s?21\s?B",
    r"acacia",
    r"NT1\s?2AB",
    r"07700\s?900123",
    r"example\.com",
    r"14/03/2015|14(th)?\s+march\s+2015|2015-03-14",
]
CONTENT_WORDS = [
    "Down syndrome",
    "autism",
    "epilepsy",
    "Williams syndrome",
    "read 50 common words by July 2026",
    "Speech and language therapy",
    "Section B",
]


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _runs(paragraph, pieces: list[str]) -> list:
    """Add text as several runs, alternately bold, so a name is split across runs with different formatting."""
    runs = [paragraph.add_run(piece) for piece in pieces]
    for run in runs[1::2]:
        run.bold = True
    return runs


def _body_plan() -> docx.document.Document:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "EHC PLAN – OLIVER BENNETT – OFFICIAL SENSITIVE"
    section.footer.paragraphs[0].text = "Oliver Bennett, DOB 14/03/2015, page 1"
    document.add_heading("Education, Health and Care Plan", level=0)
    table = document.add_table(rows=0, cols=2)
    for label, value in PERSONAL_DETAILS:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_heading("Section A: Views, interests and aspirations", level=1)
    split = document.add_paragraph()
    _runs(split, ["Oli", "ver Ben", "nett is known as Ol", "lie", ". He lives with his mum and dad."])
    document.add_paragraph("Oliver's mum, Sarah Bennett (mum), says he loves trains. Mrs Bennett and Mr Bennett came.")
    document.add_paragraph("He plays with his friend Jacob at break. OLIVER likes music.")
    document.add_heading("Section B: Special educational needs", level=1)
    document.add_paragraph("Oliver has Down syndrome and a diagnosis of autism. Williams syndrome was ruled out.")
    document.add_paragraph("Mrs Williams (teaching assistant) supports him in class.")
    document.add_heading("Section C: Health needs", level=1)
    document.add_paragraph("Dr Susan Patel, Community Paediatrician, reports epilepsy. Dr S. Patel will review it.")
    document.add_paragraph("An old hospital number 943 476 5918 is on the letter.")
    document.add_heading("Section E: Outcomes", level=1)
    document.add_paragraph("Oliver will read 50 common words by July 2026.")
    document.add_heading("Section F: Special educational provision", level=1)
    document.add_paragraph("Speech and language therapy: 30 minutes weekly, delivered by Jane Doe.")
    document.add_heading("Section K: Advice and information", level=1)
    for line in (
        "Parental advice – Sarah Bennett and Daniel Bennett, 2 February 2024",
        "Educational psychology advice – Dr Susan Patel, 12 March 2024",
        "Speech and language therapy advice – Jane Doe (Speech and Language Therapist)",
        "School advice – Mrs Helen Okafor, SENCO, Newtown Primary School",
    ):
        document.add_paragraph(line, style="List Bullet")
    commented = document.add_paragraph("Provision to be checked.")
    document.add_comment(
        commented.runs, text="Ask Sarah Bennett on 07700 900123", author="Amy Whitfield", initials="AW"
    )
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(_png()))
    link = document.add_paragraph("Contact: ")
    relationship = document.part.relate_to("mailto:sarah.bennett@example.com", RT.HYPERLINK, is_external=True)
    hyperlink = etree.SubElement(link._p, f"{{{W}}}hyperlink", {f"{{{R}}}id": relationship})
    run = etree.SubElement(hyperlink, f"{{{W}}}r")
    etree.SubElement(run, f"{{{W}}}t").text = "sarah.bennett@example.com"
    properties = document.core_properties
    properties.author = "Amy Whitfield"
    properties.last_modified_by = "Amy Whitfield"
    properties.title = "EHCP Oliver Bennett"
    properties.subject = "Plan for Ollie"
    return document


def _element(xml: str) -> etree._Element:
    return etree.fromstring(f'<root xmlns:w="{W}" xmlns:v="{V}">{xml}</root>')[0]


TRACKED = (
    '<w:p><w:r><w:t xml:space="preserve">Travel: </w:t></w:r>'
    '<w:ins w:id="91" w:author="Amy Whitfield" w:date="2024-05-01T10:00:00Z"><w:r><w:t>Oliver walks in with '
    "Daniel.</w:t></w:r></w:ins>"
    '<w:del w:id="92" w:author="Amy Whitfield" w:date="2024-05-01T10:00:00Z"><w:r><w:delText>Oliver lives at 12 '
    "Acacia Avenue with Sarah.</w:delText></w:r></w:del></w:p>"
)
CONTENT_CONTROL = (
    '<w:sdt><w:sdtPr><w:alias w:val="Child"/><w:date w:fullDate="2015-03-14T00:00:00Z"/></w:sdtPr>'
    "<w:sdtContent><w:p><w:r><w:t>Oliver Bennett, born 14 March 2015</w:t></w:r></w:p></w:sdtContent></w:sdt>"
)
TEXT_BOX = (
    '<w:p><w:r><w:pict><v:shape style="width:200pt;height:40pt"><v:textbox><w:txbxContent><w:p><w:r>'
    "<w:t>Call Sarah on 07700 900123</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
)
CUSTOM_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="ChildName">'
    "<vt:lpwstr>Oliver Bennett</vt:lpwstr></property></Properties>"
)
CUSTOM_XML = '<?xml version="1.0" encoding="UTF-8"?><plan><child>Oliver Bennett</child><upn>B801200005001</upn></plan>'


def _add_parts(path: Path) -> None:
    """Give the saved plan the parts python-docx cannot write: tracked changes, a content control, a text box,
    custom properties, custom XML, and a company in app.xml."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    body_root = etree.fromstring(parts["word/document.xml"])
    body = body_root.find(f"{{{W}}}body")
    for xml in (TRACKED, CONTENT_CONTROL, TEXT_BOX):
        body.insert(len(body) - 1, _element(xml))
    parts["word/document.xml"] = etree.tostring(body_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["docProps/custom.xml"] = CUSTOM_PROPERTIES.encode()
    parts["customXml/item1.xml"] = CUSTOM_XML.encode()
    root_rels = parts["_rels/.rels"].decode()
    parts["_rels/.rels"] = root_rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'custom-properties" Target="docProps/custom.xml"/></Relationships>',
    ).encode()
    document_rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = document_rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdCustomXml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'customXml" Target="../customXml/item1.xml"/></Relationships>',
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/docProps/custom.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    ).encode()
    app = parts["docProps/app.xml"].decode()
    parts["docProps/app.xml"] = app.replace(
        "</Properties>", "<Company>Whitfield Consulting</Company></Properties>"
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "Oliver Bennett EHCP.docx"
    _body_plan().save(str(path))
    _add_parts(path)
    return path


@pytest.fixture(scope="module")
def redacted(plan_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RedactionReport, str]:
    before = hashlib.sha256(plan_file.read_bytes()).hexdigest()
    out = tmp_path_factory.mktemp("out") / "redacted.docx"
    report = redact_file(plan_file, out)
    return out, report, before


def all_text(path: Path) -> dict[str, str]:
    """Every part's text content and attribute values (XML), or its bytes as text (anything else)."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            try:
                root = etree.fromstring(data)
            except etree.XMLSyntaxError:
                found[name] = data.decode("latin-1")
                continue
            values = [text for text in root.itertext()]
            values.extend(value for element in root.iter() for value in element.attrib.values())
            found[name] = "\n".join(values)
    return found


def surviving(path: Path, patterns: list[str]) -> list[tuple[str, str]]:
    """(part, pattern) for every identifier pattern still found anywhere in the file."""
    return [
        (name, pattern)
        for name, text in all_text(path).items()
        for pattern in patterns
        if re.search(pattern, text, re.IGNORECASE)
    ]


def body_text(path: Path) -> str:
    return "\n".join(block.text for block in read_document(path).blocks)


def test_no_identifier_survives_in_any_part(redacted: tuple[Path, RedactionReport, str]) -> None:
    out, _, _ = redacted
    assert surviving(out, IDENTIFIERS) == []


def test_the_source_is_not_touched(plan_file: Path, redacted: tuple[Path, RedactionReport, str]) -> None:
    _, _, before = redacted
    assert hashlib.sha256(plan_file.read_bytes()).hexdigest() == before
    assert surviving(plan_file, [r"\boliver", r"acacia"])  # the source still has them: the search can find them


def test_content_is_kept_and_the_plan_still_segments(
    plan_file: Path, redacted: tuple[Path, RedactionReport, str]
) -> None:
    out, _, _ = redacted
    text = body_text(out)
    for words in CONTENT_WORDS:
        assert words in text
    assert segment(read_document(out)).section_ids == segment(read_document(plan_file)).section_ids


def test_the_same_person_gets_the_same_label_everywhere(redacted: tuple[Path, RedactionReport, str]) -> None:
    out, _, _ = redacted
    text = body_text(out)
    assert "[CHILD] is known as [CHILD]." in text  # the name split across four runs, and the nickname
    assert "[CHILD]'s mum, [PARENT 1] (mum), says" in text
    assert "[PARENT 1] and [PARENT 2] came" in text  # Mrs/Mr Bennett told apart by title
    assert "Parental advice – [PARENT 1] and [PARENT 2]" in text
    assert "[PROFESSIONAL 1], Community Paediatrician" in text and "[PROFESSIONAL 1] will review" in text
    assert "Educational psychology advice – [PROFESSIONAL 1]" in text
    assert re.search(r"delivered by \[PROFESSIONAL (\d)\]", text).group(1) == re.search(
        r"therapy advice – \[PROFESSIONAL (\d)\]", text
    ).group(1)
    assert "his friend [PERSON" in text
    header = "\n".join(docx.Document(str(out)).sections[0].header.paragraphs[0].text.split("\n"))
    assert "[CHILD]" in header


def test_split_runs_keep_their_formatting(redacted: tuple[Path, RedactionReport, str]) -> None:
    out, _, _ = redacted
    paragraph = next(p for p in docx.Document(str(out)).paragraphs if p.text.startswith("[CHILD] is known"))
    assert [run.text for run in paragraph.runs][:2] == ["[CHILD]", ""]
    assert [run.bold for run in paragraph.runs][:2] == [None, True]


def test_hidden_parts_are_removed_or_cleared(redacted: tuple[Path, RedactionReport, str]) -> None:
    out, report, _ = redacted
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        document_xml = archive.read("word/document.xml").decode()
        core = archive.read("docProps/core.xml").decode()
        app = archive.read("docProps/app.xml").decode()
        pictures = [archive.read(name) for name in names if name.startswith("word/media/")]
    assert not [name for name in names if "comments" in name or name.startswith("customXml/")]
    assert "docProps/custom.xml" not in names
    assert "w:del " not in document_xml and "w:ins " not in document_xml and "commentReference" not in document_xml
    assert "walks in with [PARENT 2]" in body_text(out)  # the insertion accepted, redacted
    assert "Amy" not in core and "<dc:title>EHCP [CHILD]</dc:title>" in core
    assert "Whitfield Consulting" not in app
    assert pictures and all(picture != _png() for picture in pictures)
    removed = dict(report.removed)
    assert removed["comments removed"] == 1 and removed["tracked deletions removed"] >= 1
    assert removed["pictures blanked"] == 1


def test_schools_stay_unless_asked(
    plan_file: Path, redacted: tuple[Path, RedactionReport, str], tmp_path: Path
) -> None:
    out, _, _ = redacted
    assert "Newtown Primary School" in body_text(out)
    with_schools = tmp_path / "schools.docx"
    redact_file(plan_file, with_schools, redact_schools=True)
    text = body_text(with_schools)
    assert "Newtown Primary" not in text and "SENCO, [SCHOOL 1]" in text


def test_report_counts_kinds_and_names_unsure_places_without_values(
    redacted: tuple[Path, RedactionReport, str],
) -> None:
    out, report, _ = redacted
    saved = json.loads(out.with_name(out.name + ".redaction.json").read_text(encoding="utf-8"))
    assert saved == report.to_dict()
    counts = dict(report.counts)
    for kind in ("CHILD", "PARENT", "PROFESSIONAL", "DATE OF BIRTH", "NHS NUMBER", "UPN", "NI NUMBER", "PHONE"):
        assert counts.get(kind, 0) >= 1, kind
    assert dict(report.distinct)["PARENT"] == 2
    assert report.leftovers == 0
    nhs_doubt = [place for place in report.unsure if place.kind == "NHS NUMBER"]
    assert nhs_doubt and nhs_doubt[0].section == "C" and nhs_doubt[0].part == "word/document.xml"
    dumped = json.dumps(saved)
    for pattern in [*IDENTIFIERS, r"5918"]:
        assert not re.search(pattern, dumped, re.IGNORECASE), pattern


def test_refuses_to_overwrite_the_source_and_rejects_unreadable_input(plan_file: Path, tmp_path: Path) -> None:
    from ehcp_qa.errors import InputError

    with pytest.raises(InputError):
        redact_file(plan_file, plan_file)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError):
        redact_file(broken, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_folder_reports_per_file_and_goes_on_after_a_bad_one(plan_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(plan_file, folder / "a plan.docx")
    (folder / "b broken.docx").write_bytes(b"not a plan")
    shutil.copy(plan_file, folder / "c plan.docx")
    (folder / "notes.txt").write_text("ignored")
    results = redact_folder(folder, tmp_path / "out")
    assert [source.name for source, _ in results] == ["a plan.docx", "b broken.docx", "c plan.docx"]
    assert isinstance(results[0][1], RedactionReport) and isinstance(results[2][1], RedactionReport)
    assert isinstance(results[1][1], str) and "b broken.docx" in results[1][1]
    outputs = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert outputs == ["plan-001.docx", "plan-001.docx.redaction.json", "plan-003.docx", "plan-003.docx.redaction.json"]
    assert surviving(tmp_path / "out" / "plan-003.docx", IDENTIFIERS) == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_redacted_copy(redacted: tuple[Path, RedactionReport, str], tmp_path: Path) -> None:
    out, _, _ = redacted
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "txt",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = (tmp_path / "redacted.txt").read_text(encoding="utf-8-sig")
    assert "Down syndrome" in converted and "[CHILD]" in converted
    assert not [pattern for pattern in IDENTIFIERS if re.search(pattern, converted, re.IGNORECASE)]


def test_formatting_parts_are_not_touched(redacted: tuple[Path, RedactionReport, str]) -> None:
    """Colours such as F5F8EE look like postcodes: attribute values in styles and themes must stay as they were."""
    out, _, _ = redacted
    texts = all_text(out)
    for name in ("word/styles.xml", "word/stylesWithEffects.xml", "word/theme/theme1.xml", "word/numbering.xml"):
        if name in texts:
            assert "[" not in texts[name], name


# --- A plan written another way: "Label: value" lines, section K as a table, names only in prose --------------

NEW_USER_LINES = [
    "Child's name: Priya Sharma-Khan",
    "Preferred name: Pri",
    "D.O.B: 3rd June 2012",
    "Home address: Flat 4, 27 Mill Lane, Eastbury, EB3 9LP",
    "Mother: Anjali Sharma-Khan",
    "Father: Ravi Khan",
    "Contact number: 01632 960 555",
    "Caseworker: Tom Reed",
]
NEW_USER_IDENTIFIERS = [
    r"priya",
    r"sharma",
    r"\bkhan",
    r"\bpri\b",
    r"june\s+2012|03\.06\.2012",
    r"mill\s+lane",
    r"EB3\s?9LP",
    r"anjali",
    r"\bravi\b",
    r"01632\s?960\s?555",
    r"\breed\b",
    r"\baisha",
    r"\brohan",
    r"\bkaur",
    r"o'neill",
    r"mensah",
    r"olumide|adeyemi",
    r"lindqvist",
    r"eastbury\.gov",
    r"485\s?777\s?3456",
]


def _new_user_plan(path: Path) -> Path:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Priya Sharma-Khan  |  EHCP  |  Final"
    document.add_paragraph("EDUCATION, HEALTH AND CARE PLAN")
    for line in NEW_USER_LINES:
        document.add_paragraph(line)
    document.add_paragraph("SECTION A - THE VIEWS, INTERESTS AND ASPIRATIONS OF PRIYA AND HER PARENTS")
    document.add_paragraph("Pri loves drawing. Priya's mum Anjali told us Pri was born on 03.06.2012 in May.")
    document.add_paragraph("Pri's best friend is Aisha. Her brother Rohan is 9. Grandma Kaur helps after school.")
    document.add_paragraph("SECTION B - SPECIAL EDUCATIONAL NEEDS")
    document.add_paragraph("Priya has cerebral palsy and Tourette's syndrome. Her teacher, Mr O'Neill, says so.")
    document.add_paragraph("Will she manage the stairs? Grace and patience help. She uses Makaton.")
    document.add_paragraph("SECTION C - HEALTH NEEDS")
    document.add_paragraph("Dr. A. Mensah (Consultant Paediatrician) monitors her hips. NHS No: 485 777 3456")
    document.add_paragraph("SECTION K - ADVICE AND INFORMATION")
    table = document.add_table(rows=4, cols=3)
    rows = [
        ("Advice", "Name", "Date"),
        ("Educational Psychology", "Olumide Adeyemi", "4 May 2024"),
        ("Physiotherapy", "Kate Lindqvist", "9 May 2024"),
        ("Parent", "Anjali Sharma-Khan", "1 May 2024"),
    ]
    for row_number, row in enumerate(rows):
        for column, value in enumerate(row):
            table.cell(row_number, column).text = value
    document.add_paragraph("Signed: Tom Reed, SEN Caseworker, tom.reed@eastbury.gov.uk")
    document.save(str(path))
    return path


def test_a_plan_in_another_layout_leaks_nothing_and_keeps_its_words(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    report = redact_file(_new_user_plan(tmp_path / "plan.docx"), out)
    assert surviving(out, NEW_USER_IDENTIFIERS) == []
    text = body_text(out)
    for words in (
        "SECTION A - THE VIEWS",
        "cerebral palsy and Tourette's syndrome",
        "Will she manage",
        "Grace and",
        "Makaton",
        "in May",
        "4 May 2024",
        "Educational Psychology",
    ):
        assert words in text, words
    assert "Mother: [PARENT 1]" in text and "Parent\n[PARENT 1]" in "\n".join(b.text for b in read_document(out).blocks)
    assert "Caseworker: [PROFESSIONAL 1]" in text and "Signed: [PROFESSIONAL 1], SEN Caseworker, [EMAIL]" in text
    assert any(place.kind == "NHS NUMBER" and place.section == "C" for place in report.unsure)


# --- PDF: rendered as a .docx from the reader's blocks ---------------------------------------------------------

PDF_LINES = [
    ("Education, Health and Care Plan", 16.0, True),
    ("Name: Oliver Bennett", 11.0, False),
    ("Date of birth: 14/03/2015", 11.0, False),
    ("NHS number: 943 476 5919", 11.0, False),
    ("Parent: Sarah Bennett", 11.0, False),
    ("Section A: Views, interests and aspirations", 14.0, True),
    ("Oliver likes trains. His mum Sarah says he sleeps well.", 11.0, False),
    ("Section B: Special educational needs", 14.0, True),
    ("Oliver has Down syndrome and autism.", 11.0, False),
    ("Section K: Advice and information", 14.0, True),
    ("Educational psychology advice - Dr Susan Patel", 11.0, False),
]


def _write_pdf(path: Path) -> Path:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    for number, (words, size, bold) in enumerate(PDF_LINES):
        obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica-Bold" if bold else b"Helvetica", size)
        encoded = (words + "\0").encode("utf-16-le")
        pdfium_c.FPDFText_SetText(obj, (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, 842 - 72 - number * 24 - size)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    page.close()
    pdf.save(str(path))
    pdf.close()
    return path


def test_a_pdf_becomes_a_redacted_docx_rendering_and_says_so(tmp_path: Path) -> None:
    source = _write_pdf(tmp_path / "plan.pdf")
    before = source.read_bytes()
    report = redact_file(source, tmp_path / "redacted.pdf")
    assert source.read_bytes() == before
    assert report.output == tmp_path / "redacted.docx" and report.output_kind == "docx-rendering"
    assert "PDF" in report.output_note and "layout" in report.output_note
    assert surviving(report.output, [r"\boliver", r"bennett", r"\bsarah", r"patel", r"943\s?476", r"14/03/2015"]) == []
    text = body_text(report.output)
    assert "Down syndrome and autism" in text and "[CHILD] likes trains" in text and "mum [PARENT 1] says" in text
    assert segment(read_document(report.output)).section_ids == segment(read_document(source)).section_ids
    as_text = redact_file(source, tmp_path / "redacted.txt")
    assert as_text.output_kind == "text-rendering" and "Bennett" not in as_text.output.read_text(encoding="utf-8")


# --- Every fixture plan: none of its identifiers survive (all text, all XML parts, metadata) -------------------


def _labelled_plans(folder: Path) -> list[Path]:
    return sorted(
        path for path in folder.glob("*") if path.suffix in (".docx", ".pdf") and Path(f"{path}.json").exists()
    )


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_PLANS = _labelled_plans(FIXTURES / "plans")
HOLDOUT_PLANS = _labelled_plans(FIXTURES / "holdout" / "plans")
# Known gap: a workplace named only in prose ("a work placement at the Green Leaf Café") is not an identifier kind
# the redactor looks for yet; every other kind must go.
NOT_YET_FOUND = {"workplace"}


def _identifier_patterns(plan: Path) -> list[str]:
    identifiers = json.loads(Path(f"{plan}.json").read_text(encoding="utf-8"))["identifiers"]
    return [
        r"(?<!\w)" + re.escape(identifier["value"]) + r"(?!\w)"
        for identifier in identifiers
        if identifier["kind"] not in NOT_YET_FOUND
    ]


@pytest.mark.parametrize("plan", FIXTURE_PLANS + HOLDOUT_PLANS, ids=[p.name for p in FIXTURE_PLANS + HOLDOUT_PLANS])
def test_labelled_plans_keep_none_of_their_identifiers(plan: Path, tmp_path: Path) -> None:
    patterns = _identifier_patterns(plan)
    report = redact_file(plan, tmp_path / "redacted.docx", redact_schools=True)
    assert patterns and surviving(report.output, patterns) == []
    assert segment(read_document(report.output)).section_ids == segment(read_document(plan)).section_ids


@pytest.mark.parametrize("plan", [p for p in FIXTURE_PLANS if p.suffix == ".docx"][::3], ids=lambda p: p.name)
def test_checks_find_the_same_faults_after_redaction(plan: Path, tmp_path: Path) -> None:
    from ehcp_qa.pipeline import check_file  # loads spaCy: only the tests that check need it

    report = redact_file(plan, tmp_path / "redacted.docx")

    def faults(path: Path) -> list[tuple[str, str | None]]:
        return sorted((finding.rule, finding.section) for finding in check_file(path).findings)

    assert faults(report.output) == faults(plan)


# --- The identifier search on its own, with metadata built here ------------------------------------------------


def _redactor(**fields: str) -> Redactor:
    metadata = Metadata(child_name=fields.get("Name"), fields=tuple(fields.items()))
    return collect(metadata, [], [])


def test_every_written_form_of_the_date_of_birth_goes_but_other_dates_stay() -> None:
    redactor = _redactor(**{"Name": "April Jones", "Date of birth": "03/06/2012"})
    text = (
        "Born 3rd June 2012 (3.6.12, 2012-06-03, June 3, 2012). Reviewed 3 June 2024 and in April 2024. April said hi."
    )
    redacted = redactor.redact(text)[0]
    assert redacted == (
        "Born [DATE OF BIRTH] ([DATE OF BIRTH], [DATE OF BIRTH], [DATE OF BIRTH]). Reviewed 3 June 2024 and in "
        "April 2024. [CHILD] said hi."
    )


def test_checksums_decide_what_is_redacted_and_what_is_flagged() -> None:
    redactor = _redactor(Name="Sam Green")
    redacted, hits, doubts = redactor.redact(
        "Ref 943 476 5919, ref 943 476 5918, UPN B801200005001, code A801200005001."
    )
    assert redacted == "Ref [NHS NUMBER], ref 943 476 5918, UPN [UPN], code A801200005001."
    assert sorted(doubt.kind for doubt in doubts) == ["NHS NUMBER", "UPN"]
    assert {hit.kind for hit in hits} == {"NHS NUMBER", "UPN"}


def test_words_that_look_like_names_are_left_unless_they_are_someone_in_the_plan() -> None:
    redactor = _redactor(Name="Sam Green")
    text = "Will he cope? He shows Grace and Down syndrome traits; Mrs Turner uses Makaton. Sam's GREEN folder."
    redacted, _, doubts = redactor.redact(text)
    assert (
        redacted
        == "Will he cope? He shows Grace and Down syndrome traits; Mrs Turner uses Makaton. [CHILD]'s [CHILD] folder."
    )
    assert [doubt.reason for doubt in doubts] == ["capitalised word that is also a first name"]
    found = collect(Metadata(child_name="Sam Green"), [], [text])
    assert "[PERSON 1] uses Makaton" in found.redact(text)[0]  # a titled stranger is found when collected


def test_a_surname_that_is_also_a_place_word_is_a_name_after_a_title() -> None:
    finds = list(titled_names("Preparing for adulthood advice: Mr Ian Ward, Careers Adviser, 25 March 2025"))
    assert [find.tokens for find in finds] == [("Ian", "Ward")]
    assert list(titled_names("Mrs Lee visits Rainbow Ward weekly.")) != []
