"""The data every stage passes on: frozen dataclasses, no behaviour beyond small derived views.

Flow: read -> Document(blocks) -> segment -> Plan(sections) -> check -> Findings -> score -> Score -> report.
Nothing downstream reaches back into a reader: everything a later stage needs is carried here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Literal

# Statutory sections (SEND Regulations 2014 reg 12; CoP 9.62) in statutory order. "H" is used only when a plan
# has one social care provision section whose H1/H2 parts cannot be told apart.
SECTION_IDS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K")
SECTION_NAMES: dict[str, str] = {
    "A": "Views, interests and aspirations",
    "B": "Special educational needs",
    "C": "Health needs",
    "D": "Social care needs",
    "E": "Outcomes",
    "F": "Special educational provision",
    "G": "Health provision",
    "H": "Social care provision",
    "H1": "Social care provision (CSDPA 1970 s2)",
    "H2": "Other social care provision",
    "I": "Placement",
    "J": "Personal budget",
    "K": "Advice and information",
}

# Finding categories: part of the JSON contract (README, "JSON report").
CATEGORIES: tuple[str, ...] = (
    "outcome-specificity",
    "medical-term-unexplained",
    "social-care-missing",
    "provision-vague",
    "section-missing",
    "advice-missing",
    "pfa-outcomes-missing",
    "need-without-provision",
    "jargon-unexplained",
    "not-a-plan",
)

BlockKind = Literal["heading", "paragraph", "list_item", "table_cell"]
SourceKind = Literal["docx", "pdf"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Grade(StrEnum):
    """Ofsted's four-point scale, which council audit tools use."""

    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"


@dataclass(frozen=True)
class Location:
    """Where a block sits in its source file.

    `index` is the block's position in the reader's walk of the document (0-based) and is always set: the
    annotator walks the .docx the same way to find the paragraph again. DOCX blocks inside a table carry
    table/row/cell (table numbered in document order, nested tables numbered too); PDF blocks carry the 1-based
    page and the bounding box (x0, top, x1, bottom) in points, and table/row/cell when they came from a table.
    """

    index: int
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Block:
    """One paragraph, list item or table-cell paragraph of the plan, in reading order."""

    text: str
    kind: BlockKind
    location: Location
    style: str = ""  # the .docx paragraph style name ("Heading 2"); empty for PDF
    bold: bool = False  # every visible character is bold (a hint that the block is a heading)
    font_size: float | None = None  # largest font size in the block, in points, where known
    # Characters of a bold lead-in that opens an otherwise plain paragraph ("**Section D - Social care needs.**
    # A social worker ..."): a run-in heading. 0 when there is none, or the whole block is bold.
    bold_lead: int = 0


@dataclass(frozen=True)
class Document:
    """What a reader gives: the body's blocks in reading order, and page furniture kept apart."""

    path: str
    kind: SourceKind
    blocks: tuple[Block, ...]
    furniture: tuple[str, ...] = ()  # header/footer lines, never mixed into the body
    page_count: int | None = None


@dataclass(frozen=True)
class Metadata:
    """Facts the plan states about itself, as written. None where the plan does not say."""

    child_name: str | None = None
    date_of_birth: str | None = None
    year_group: int | None = None  # National Curriculum year (Reception = 0)
    age: int | None = None
    date_issued: str | None = None
    date_of_request: str | None = None
    # Every label/value pair of the personal-details table, as written (redaction uses these as a deny list).
    fields: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["fields"] = [list(pair) for pair in self.fields]
        return data


@dataclass(frozen=True)
class Section:
    id: str  # one of SECTION_IDS, or "H"
    title: str  # the heading as written in the plan
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class Plan:
    path: str
    kind: SourceKind
    metadata: Metadata
    sections: tuple[Section, ...]  # in the order the plan gives them
    preamble: tuple[Block, ...] = ()  # blocks before the first section (title page, personal details)
    page_count: int | None = None

    def section(self, section_id: str) -> Section | None:
        """The section with this id; asking for H1 or H2 also finds an undivided H."""
        for section in self.sections:
            if section.id == section_id:
                return section
        if section_id in ("H1", "H2"):
            return self.section("H")
        return None

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(section.id for section in self.sections)


@dataclass(frozen=True)
class Finding:
    rule: str  # stable rule code, e.g. "OUT001"
    category: str  # one of the JSON contract's categories, e.g. "provision-vague"
    section: str | None  # section id the finding is about; None for whole-plan findings
    severity: Severity
    message: str
    evidence: str  # the exact words of the plan the finding is about ("" when the fault is an absence)
    location: Location | None
    suggestion: str

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "category": self.category,
            "section": self.section,
            "severity": str(self.severity),
            "message": self.message,
            "evidence": self.evidence,
            "location": self.location.to_dict() if self.location else None,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class SectionScore:
    section: str
    score: float  # 0-100
    grade: Grade
    reasons: tuple[str, ...] = ()  # plain-English reasons: the findings (or caps) that lowered it


@dataclass(frozen=True)
class Score:
    score: float  # 0-100
    grade: Grade
    sections: tuple[SectionScore, ...] = ()
    reasons: tuple[str, ...] = ()
    caps: tuple[str, ...] = field(default=())  # caps that limited the overall grade, e.g. "section missing"
