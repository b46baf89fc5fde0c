"""Readers: a .docx or PDF plan file -> Document (blocks in reading order, page furniture kept apart).

`read_document` is the one entry point: it runs the safety checks, decides the type from the file's bytes
(not its suffix) and hands the file to the matching reader. Readers only ever open the input for reading.
"""

from __future__ import annotations

from pathlib import Path

from ehcp_qa.model import Document
from ehcp_qa.read.docx import read_docx
from ehcp_qa.read.pdf import read_pdf
from ehcp_qa.read.safety import check_input

__all__ = ["read_document"]


def read_document(path: str | Path) -> Document:
    """Read a plan. Raises InputError (one line naming the file and the problem) for any bad input."""
    file_path = Path(path)
    if check_input(file_path) == "docx":
        return read_docx(file_path)
    return read_pdf(file_path)
