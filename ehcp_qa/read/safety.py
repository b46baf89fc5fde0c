"""Checks that run before any parser sees a file: it exists, is small enough, and is the type it claims.

Every bad input fails here within moments and with bounded memory, with one plain line that names the file
and the problem (never its contents). Nothing here writes to the input.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path
from typing import Literal

from ehcp_qa.errors import InputError

FileKind = Literal["docx", "pdf"]

MAX_INPUT_BYTES = 100 * 1024 * 1024
# Bounds on a .docx zip, read from its directory before anything is inflated (a zip bomb fails here).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FLOOR_BYTES = 5 * 1024 * 1024  # small members may compress very well without harm
WORD_MAIN_PART = "word/document.xml"

HEAD_BYTES = 1024  # a PDF header may follow some junk within the first 1024 bytes
TAIL_BYTES = 4096  # where the last %%EOF marker of a complete PDF sits
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF-"
RTF_MAGIC = b"{\\rtf"
ODF_MIMETYPE_PREFIX = "application/vnd.oasis.opendocument"
SUPPORTED = "supported types are .docx (Word) and .pdf"


def check_input(path: Path) -> FileKind:
    """The file's type, judged by its bytes, after checking that it can be read at all."""
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{name} does not exist") from None
    except OSError:
        raise InputError(f"{name} cannot be read (check the path and its permissions)") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{name} is a folder, not a file: give a .docx or .pdf plan")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{name} is not a regular file: give a .docx or .pdf plan")
    if info.st_size == 0:
        raise InputError(f"{name} is empty")
    if info.st_size > MAX_INPUT_BYTES:
        raise InputError(
            f"{name} is too large ({_megabytes(info.st_size)}; the limit is {_megabytes(MAX_INPUT_BYTES)})"
        )
    head, tail = _head_and_tail(path, name, info.st_size)
    kind = _sniff(head, name, path.suffix.lower())
    if kind == "docx":
        check_docx_container(path)
    elif PDF_MAGIC not in head[:HEAD_BYTES] or b"%%EOF" not in tail:
        raise InputError(f"{name} is corrupt or incomplete: the PDF has no end-of-file marker")
    return kind


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _head_and_tail(path: Path, name: str, size: int) -> tuple[bytes, bytes]:
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
            stream.seek(max(0, size - TAIL_BYTES))
            tail = stream.read(TAIL_BYTES)
    except OSError:
        raise InputError(f"{name} cannot be read (check its permissions)") from None
    return head, tail


def _sniff(head: bytes, name: str, suffix: str) -> FileKind:
    if head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return "docx"
    if PDF_MAGIC in head:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        raise InputError(f"{name} is password-protected or encrypted (or a legacy .doc): save it unprotected as .docx")
    if head.startswith(RTF_MAGIC):
        raise InputError(f"{name} is an RTF file, which is not supported: save it as .docx ({SUPPORTED})")
    if suffix in (".docx", ".pdf"):
        raise InputError(f"{name} is corrupt: its contents are neither a Word document nor a PDF")
    raise InputError(f"{name}: this type of file is not supported ({SUPPORTED})")


def check_docx_container(path: Path) -> None:
    """Refuse a zip that is truncated, not a Word document, or would inflate beyond safe bounds."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise InputError(f"{name} has too many parts ({len(members)}) to be a Word document")
            _check_inflated_sizes(members, name)
            names = {member.filename for member in members}
            if WORD_MAIN_PART not in names:
                raise InputError(f"{name} is not supported: {_zip_kind(archive, names)}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error):
        raise InputError(f"{name} is corrupt or incomplete: it cannot be opened as a Word document") from None


def _check_inflated_sizes(members: list[zipfile.ZipInfo], name: str) -> None:
    # zipfile stops inflating a member at its declared size, so declared sizes bound what parsing can use.
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"{name} would expand to {_megabytes(total)}, more than the {_megabytes(MAX_UNCOMPRESSED_BYTES)} "
            "limit: it looks like a zip bomb, not a plan"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                f"{name} has a part compressed {ratio:.0f} times (the limit is {MAX_COMPRESSION_RATIO}): "
                "it looks like a zip bomb, not a plan"
            )


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    """A short description of a zip that is not a Word document, to help the user save the right file."""
    if "mimetype" in names:
        with archive.open("mimetype") as stream:
            mimetype = stream.read(100).decode("ascii", "replace")
        if mimetype.startswith(ODF_MIMETYPE_PREFIX):
            return f"it is an OpenDocument file; save it as .docx ({SUPPORTED})"
    if any(member.startswith("xl/") for member in names):
        return f"it is a spreadsheet ({SUPPORTED})"
    if any(member.startswith("ppt/") for member in names):
        return f"it is a presentation ({SUPPORTED})"
    return f"it is a zip archive with no Word document (word/document.xml) in it ({SUPPORTED})"
