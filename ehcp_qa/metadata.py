"""The facts a plan states about itself: child's name, date of birth, year group, age, dates issued/requested.

They come from the personal-details table (label | value cells, often two pairs a row) or "Label: value" lines,
usually before section A. Values are kept as written; only year group and age are turned into numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from rapidfuzz import fuzz, process

from ehcp_qa.model import Block, Metadata
from ehcp_qa.vocabulary import Vocabulary, normalise

LABEL_SIMILARITY = 92
MAX_LABEL_WORDS = 10
# A label is a capitalised word and the lower-case words after it, ending in a colon: "Date of birth:".
# Lines often hold several: "Name: Amir Hussain | Date of birth: 19/07/2017 | Year: 3".
_INLINE_LABEL = re.compile(r"(?<![\w'’])(?P<label>[A-Z][\w'’]*(?:\s+(?:/\s+)?[a-z(][\w'’()]*){0,7})\s*:\s+")
_VALUE_END = " |;.,\t"
_YEAR = re.compile(r"\b(?:year|yr|y|nc)\s*(\d{1,2})\b|^\s*(\d{1,2})\s*$", re.IGNORECASE)
_AGE = re.compile(r"\b(\d{1,2})\b")
# "Priya Sandhu, born 5 July 2008": a date of birth given inside another value.
_BORN = re.compile(r",?\s*\(?\bborn\b:?\s*(?P<date>[^)]*)\)?\s*$", re.IGNORECASE)
_YEAR_IN_VALUE = re.compile(r"\b(?:year|yr)\s*\d{1,2}\b|\breception\b", re.IGNORECASE)
# Labels whose value may carry the year group after the setting: "School: Holmbury Lane Primary, Year 2".
_SETTING_WORDS = ("year", "school", "setting", "college", "placement", "education", "nursery")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
)
_DATE_IN_TEXT = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9},?\s+\d{4})\b"
)


def parse_date(text: str) -> date | None:
    """A date written in any of the usual UK ways, or None."""
    found = _DATE_IN_TEXT.search(text)
    if not found:
        return None
    candidate = _ORDINAL.sub(r"\1", found.group(1)).replace(",", "")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    return None


def parse_year_group(text: str) -> int | None:
    normal = normalise(text)
    if normal.startswith("reception"):
        return 0
    found = _YEAR.search(text)
    if not found:
        return None
    value = int(found.group(1) or found.group(2))
    return value if 0 <= value <= 14 else None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def inline_pairs(text: str) -> list[tuple[str, str]]:
    """Every "Label: value" pair of a line, each value running to the next label."""
    labels = list(_INLINE_LABEL.finditer(text))
    pairs: list[tuple[str, str]] = []
    for here, after in zip(labels, [*labels[1:], None], strict=False):
        value = text[here.end() : after.start() if after else len(text)].strip(_VALUE_END)
        if value:
            pairs.append((here.group("label").strip(), value))
    return pairs


def label_value_pairs(blocks: Sequence[Block]) -> list[tuple[str, str]]:
    """Label/value pairs from table rows (cells 0|1, 2|3 ...) and from "Label: value" paragraphs."""
    rows: dict[tuple[int, int], dict[int, list[str]]] = {}
    pairs: list[tuple[str, str]] = []
    for block in blocks:
        loc = block.location
        if loc.table is not None and loc.row is not None and loc.cell is not None:
            rows.setdefault((loc.table, loc.row), {}).setdefault(loc.cell, []).append(block.text)
        else:
            pairs.extend(inline_pairs(block.text))
    for cells in rows.values():
        ordered = [" ".join(cells[i]) for i in sorted(cells)]
        for label, value in zip(ordered[0::2], ordered[1::2], strict=False):
            if len(label.split()) <= MAX_LABEL_WORDS and value.strip():
                pairs.append((label.strip().rstrip(":"), value.strip()))
    return pairs


def _field_for(label: str, vocabulary: Vocabulary) -> str | None:
    choices = [known for known, _ in vocabulary.metadata_labels]
    best = process.extractOne(normalise(label), choices, scorer=fuzz.ratio, score_cutoff=LABEL_SIMILARITY)
    return vocabulary.metadata_labels[best[2]][1] if best else None


def _personal_details_pairs(
    preamble: Sequence[Block], body: Sequence[Block], vocabulary: Vocabulary
) -> list[tuple[str, str]]:
    """Pairs before section A, plus any table later on that is a personal-details table (two known labels)."""
    pairs = label_value_pairs(preamble)
    in_preamble = {b.location.index for b in preamble}
    later_tables: dict[int, list[Block]] = {}
    for block in body:
        if block.location.table is not None and block.location.index not in in_preamble:
            later_tables.setdefault(block.location.table, []).append(block)
    for table_blocks in later_tables.values():
        table_pairs = [p for p in label_value_pairs(table_blocks) if p[0]]
        if sum(1 for label, _ in table_pairs if _field_for(label, vocabulary)) >= 2:
            pairs.extend(table_pairs)
    return pairs


def extract_metadata(
    preamble: Sequence[Block], body: Sequence[Block], vocabulary: Vocabulary, today: date | None = None
) -> Metadata:
    """Metadata from the plan's own personal details; the first value found for each field wins."""
    pairs = _personal_details_pairs(preamble, body, vocabulary)
    values: dict[str, str] = {}
    for label, value in pairs:
        field_name = _field_for(label, vocabulary)
        if field_name and field_name not in values:
            values[field_name] = value
    if "year_group" not in values:
        # "School and year: Ashbridge Primary, Year 7", "College: Kelsford College, Year 12"
        with_year = [
            v for label, v in pairs if any(w in normalise(label) for w in _SETTING_WORDS) and _YEAR_IN_VALUE.search(v)
        ]
        if with_year:
            values["year_group"] = with_year[0]
    name_and_birth = _BORN.search(values.get("child_name", ""))
    if name_and_birth and parse_date(name_and_birth.group("date")):
        values["child_name"] = values["child_name"][: name_and_birth.start()].strip()
        values.setdefault("date_of_birth", name_and_birth.group("date").strip())
    birth = parse_date(values.get("date_of_birth", ""))
    issued = values.get("date_issued")
    requested = values.get("date_of_request")
    age_match = _AGE.search(values.get("age", ""))
    age = int(age_match.group(1)) if age_match else None
    if age is None and birth:
        # Age when the plan was issued (or requested); a draft with neither date is aged today.
        reference = parse_date(issued or "") or parse_date(requested or "") or today or date.today()
        age = age_on(birth, reference)
    return Metadata(
        child_name=values.get("child_name"),
        date_of_birth=values.get("date_of_birth"),
        year_group=parse_year_group(values.get("year_group", "")),
        age=age,
        date_issued=issued,
        date_of_request=requested,
        fields=tuple(pairs),
    )
