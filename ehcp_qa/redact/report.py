"""The redaction report written beside the redacted copy: what was replaced, how often, and where it was unsure.

It never holds an original value: places are given by part/paragraph or page/block and section, with the kind of
identifier and why it was unsure, so a reviewer can look before sharing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

SCHEMA = "ehcp-qa-redaction/1"


@dataclass(frozen=True)
class UnsurePlace:
    kind: str  # the label kind it might be, e.g. "NHS NUMBER", "PERSON"
    reason: str
    section: str | None = None
    part: str | None = None  # .docx part, e.g. "word/document.xml"
    paragraph: int | None = None  # paragraph number within the part (0-based)
    page: int | None = None  # PDF page (1-based)
    block: int | None = None  # the reader's block index

    def to_dict(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class RedactionReport:
    output: Path
    output_kind: str  # "docx" (same layout), "docx-rendering" or "text-rendering" (from a PDF's text)
    output_note: str  # why this kind of output
    counts: tuple[tuple[str, int], ...]  # replacements per label kind
    distinct: tuple[tuple[str, int], ...]  # distinct people/schools per kind, e.g. ("PARENT", 2)
    removed: tuple[tuple[str, int], ...]  # comments, tracked deletions, pictures, properties ...
    unsure: tuple[UnsurePlace, ...]
    leftovers: int  # identifiers the final check of the written output still found (0 when all is well)

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "output": self.output.name,
            "output_kind": self.output_kind,
            "output_note": self.output_note,
            "replacements": dict(self.counts),
            "total_replacements": self.total,
            "distinct": dict(self.distinct),
            "removed": dict(self.removed),
            "unsure": [place.to_dict() for place in self.unsure],
            "leftovers": self.leftovers,
        }


def report_path(output: Path) -> Path:
    return output.with_name(output.name + ".redaction.json")


def write_report(report: RedactionReport) -> Path:
    path = report_path(report.output)
    path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path
