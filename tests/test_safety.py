"""Bad inputs fail fast with one plain line naming the file and the problem, and never with its contents."""

from __future__ import annotations

import hashlib
import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from ehcp_qa.errors import InputError
from ehcp_qa.read import read_document, safety

FAST_SECONDS = 5.0


def input_error(path: Path) -> str:
    """The InputError message for reading `path`, checking it came quickly and is one line naming the file."""
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        read_document(path)
    assert time.perf_counter() - started < FAST_SECONDS
    message = str(raised.value)
    assert "\n" not in message
    assert path.name in message
    assert str(path.parent) not in message
    return message


def word_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def valid_docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Sam Example attends Oak Primary School.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in input_error(tmp_path / "absent.docx")


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "plans.docx"
    folder.mkdir()
    assert "folder" in input_error(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "plan.pdf"
    os.mkfifo(pipe)
    assert "not a regular file" in input_error(pipe)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "plan.pdf"
    empty.write_bytes(b"")
    assert "empty" in input_error(empty)


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_INPUT_BYTES", 1024)
    large = tmp_path / "plan.docx"
    large.write_bytes(valid_docx_bytes())
    assert "too large" in input_error(large)


def test_unsupported_type_names_the_supported_ones(tmp_path: Path) -> None:
    notes = tmp_path / "plan.txt"
    notes.write_text("Sam Example likes trains.")
    message = input_error(notes)
    assert "not supported" in message
    assert ".docx" in message and ".pdf" in message
    assert "trains" not in message


def test_unknown_bytes_behind_a_plan_suffix_are_corrupt(tmp_path: Path) -> None:
    noise = tmp_path / "plan.docx"
    noise.write_bytes(bytes(range(256)) * 8)
    assert "corrupt" in input_error(noise)


def test_rtf_is_unsupported(tmp_path: Path) -> None:
    rtf = tmp_path / "plan.docx"
    rtf.write_bytes(b"{\\rtf1\\ansi Sam Example}")
    message = input_error(rtf)
    assert "RTF" in message and "not supported" in message


def test_ole_container_with_docx_suffix_is_encrypted_or_legacy(tmp_path: Path) -> None:
    encrypted = tmp_path / "plan.docx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    assert "password-protected or encrypted (or a legacy .doc)" in input_error(encrypted)


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    data = valid_docx_bytes()
    truncated = tmp_path / "plan.docx"
    truncated.write_bytes(data[: len(data) // 2])
    assert "corrupt or incomplete" in input_error(truncated)


def test_spreadsheet_renamed_to_docx(tmp_path: Path) -> None:
    spreadsheet = word_zip(tmp_path / "plan.docx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})
    message = input_error(spreadsheet)
    assert "not supported" in message and "spreadsheet" in message


def test_zip_without_word_document(tmp_path: Path) -> None:
    archive = word_zip(tmp_path / "plan.docx", {"notes/readme.xml": b"<x/>"})
    assert "no Word document" in input_error(archive)


def test_opendocument_text_is_named(tmp_path: Path) -> None:
    odt = word_zip(tmp_path / "plan.docx", {"mimetype": b"application/vnd.oasis.opendocument.text"})
    message = input_error(odt)
    assert "OpenDocument" in message and "not supported" in message


def test_zip_bomb_fails_fast_with_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "plan.docx"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(safety.MAX_UNCOMPRESSED_BYTES // len(chunk) + 10):
                member.write(chunk)
    tracemalloc.start()
    try:
        message = input_error(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "zip bomb" in message
    assert peak < 20 * 1024 * 1024


def test_highly_compressed_part_is_refused(tmp_path: Path) -> None:
    zeros = b"\0" * (safety.RATIO_CHECK_FLOOR_BYTES + 1024)
    bomb = word_zip(tmp_path / "plan.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": zeros})
    assert "compressed" in input_error(bomb)


def test_too_many_zip_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_ZIP_MEMBERS", 10)
    crowded = word_zip(tmp_path / "plan.docx", {f"word/media/{number}.xml": b"<x/>" for number in range(11)})
    assert "too many parts" in input_error(crowded)


def test_xml_entity_expansion_is_not_performed(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 9))
    document_xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">{laughs}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&l8;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    with zipfile.ZipFile(io.BytesIO(valid_docx_bytes())) as template:
        parts = {name: template.read(name) for name in template.namelist()}
    parts["word/document.xml"] = document_xml
    laughing = word_zip(tmp_path / "plan.docx", parts)
    started = time.perf_counter()
    try:
        blocks = read_document(laughing).blocks
    except InputError:
        blocks = ()
    assert time.perf_counter() - started < FAST_SECONDS
    assert all(len(block.text) < 1000 for block in blocks)


def encrypted_pdf_bytes(user_password: bytes) -> bytes:
    """A one-page PDF behind the standard security handler (RC4, revision 2) with a user password."""
    padding = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    file_id = bytes(range(16))
    permissions = -4

    def rc4(key: bytes, data: bytes) -> bytes:
        state = list(range(256))
        j = 0
        for i in range(256):
            j = (j + state[i] + key[i % len(key)]) % 256
            state[i], state[j] = state[j], state[i]
        out, i, j = bytearray(), 0, 0
        for byte in data:
            i = (i + 1) % 256
            j = (j + state[i]) % 256
            state[i], state[j] = state[j], state[i]
            out.append(byte ^ state[(state[i] + state[j]) % 256])
        return bytes(out)

    def padded(password: bytes) -> bytes:
        return (password + padding)[:32]

    owner = rc4(hashlib.md5(padded(b"owner")).digest()[:5], padded(user_password))
    key = hashlib.md5(padded(user_password) + owner + permissions.to_bytes(4, "little", signed=True) + file_id)
    user = rc4(key.digest()[:5], padding)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + owner.hex().encode()
        + b"> /U <"
        + user.hex().encode()
        + b"> /P "
        + str(permissions).encode()
        + b" >>",
    ]
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"/Size {len(objects) + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
    body += f"trailer\n<< {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(body)


def test_password_protected_pdf(tmp_path: Path) -> None:
    locked = tmp_path / "plan.pdf"
    locked.write_bytes(encrypted_pdf_bytes(b"secret"))
    assert "is password-protected" in input_error(locked)


def test_corrupt_pdf(tmp_path: Path) -> None:
    corrupt = tmp_path / "plan.pdf"
    corrupt.write_bytes(b"%PDF-1.7\nthis is not a PDF body\n%%EOF\n")
    assert "corrupt or incomplete" in input_error(corrupt)


def test_truncated_pdf(tmp_path: Path) -> None:
    complete = tmp_path / "complete.pdf"
    complete.write_bytes(encrypted_pdf_bytes(b""))
    truncated = tmp_path / "plan.pdf"
    truncated.write_bytes(complete.read_bytes()[:-200])
    assert "corrupt or incomplete" in input_error(truncated)


def test_pdf_without_a_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument.new()
    for _ in range(2):
        page = pdf.new_page(595, 842)
        scan = pdfium_c.FPDFPageObj_NewImageObj(pdf.raw)
        bitmap = pdfium.PdfBitmap.new_native(200, 280, pdfium_c.FPDFBitmap_BGRA)
        bitmap.fill_rect((120, 120, 120, 255), 0, 0, 200, 280)
        pdfium_c.FPDFImageObj_SetBitmap(None, 0, scan, bitmap.raw)
        pdfium_c.FPDFImageObj_SetMatrix(scan, 595, 0, 0, 842, 0, 0)
        pdfium_c.FPDFPage_InsertObject(page.raw, scan)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        page.close()
    scanned = tmp_path / "plan.pdf"
    pdf.save(str(scanned))
    pdf.close()
    message = input_error(scanned)
    assert "has no text layer; it looks scanned" in message
    assert "OCR" in message
