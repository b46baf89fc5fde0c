"""Identifiers that have a shape: NHS numbers, UPNs, NI numbers, postcodes, phone numbers, emails, street addresses
and dates of birth.

Small regular expressions plus python-stdnum's validators rather than Presidio: Presidio's AnalyzerEngine builds a
spaCy NLP engine that tries to download a model (and exits when it cannot), its email recognizer asks tldextract for
the public-suffix list over the network, and it has no UK postcode recognizer; the few UK shapes we need are a
handful of lines each, and the checksums come from python-stdnum (gb.nhs, gb.upn) either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from stdnum.gb import nhs, upn

from ehcp_qa.redact.labels import (
    ADDRESS,
    DATE_OF_BIRTH,
    EMAIL,
    NHS_NUMBER,
    NI_NUMBER,
    PHONE,
    POSTCODE,
    UPN,
)


@dataclass(frozen=True)
class PatternHit:
    start: int
    end: int
    kind: str  # one of the label kinds in labels.py
    sure: bool  # False: looks like the kind but fails its checksum, so it is flagged and left in place
    reason: str = ""  # why it is flagged (also set on a sure hit that still deserves a look)


_NHS_SHAPE = re.compile(r"(?<![\d\w])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d\w])")
_NHS_LABEL = re.compile(r"\bNHS\b[^\d\n]*$", re.IGNORECASE)
_UPN_SHAPE = re.compile(r"(?<![\w])[A-Z]\d{11}[0-9A-Z](?![\w])")
# NI number: two prefix letters (D, F, I, Q, U, V never; O never second; some pairs never issued), six digits, A-D.
_NI_NUMBER = re.compile(
    r"(?<![\w])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])"
)
_POSTCODE = re.compile(
    r"(?<![\w])(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}(?![\w])"
)
_EMAIL = re.compile(r"(?<![\w.+'-])[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w])")
# UK numbers: 0 or +44 then 9-10 more digits, in the usual groupings with spaces, hyphens or brackets.
_PHONE = re.compile(r"(?<![\w+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d{2,5}\)?(?:[\s-]?\d{2,4}){1,3}(?![\w])")
_STREET_WORDS = (
    "Road|Rd|Street|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Gardens|Place|Terrace|Grove|Hill|Row|Square|"
    "Walk|Mews|View|Rise|Green|Vale|Parade|Boulevard|Wharf|Meadow|Meadows|Fields|Park|Cottages"
)
_STREET = re.compile(
    rf"(?<![\w])(?:Flat|Apartment|Unit)?\s*\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z'’]+\s+){{1,3}}(?:{_STREET_WORDS})\b"
)

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ANY_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_ANY_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_ANY_MONTH},?\s+\d{{4}}"
    rf"|{_ANY_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
# A date written right after a date-of-birth label, whatever the date is.
_DOB_LABELLED = re.compile(
    rf"(?:date\s+of\s+birth|birth\s*date|d\.?\s?o\.?\s?b\.?|born(?:\s+on)?)\s*[:\-–]?\s*(?P<date>{_ANY_DATE})",
    re.IGNORECASE,
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _is_phone(text: str) -> bool:
    digits = _digits(text)
    if text.startswith("+44"):
        return len(digits) in (11, 12)
    return digits.startswith("0") and len(digits) in (10, 11)


def date_of_birth_pattern(birth: date) -> re.Pattern[str]:
    """Every usual way of writing this one date (14/03/2015, 14.3.15, 2015-03-14, 14th March 2015, Mar 14 2015)."""
    day, month, year = birth.day, birth.month, birth.year
    month_name = _MONTHS[month - 1]
    month_word = rf"(?:{month_name}|{month_name[:3]}{'t' if month == 9 else ''}\.?|{month_name[:3]}\.?)"
    day_word = rf"0?{day}(?:st|nd|rd|th)?"
    year_any = rf"(?:{year}|{year % 100:02d})"
    numeric = rf"0?{day}\s?[/.-]\s?0?{month}\s?[/.-]\s?{year_any}"
    iso = rf"{year}-{month:02d}-{day:02d}"
    words = rf"{day_word}\s+(?:of\s+)?{month_word},?\s+{year}"
    american = rf"{month_word}\s+{day_word},?\s+{year}"
    return re.compile(rf"(?<!\d)(?:{numeric}|{iso}|{words}|{american})(?!\d)", re.IGNORECASE)


def find_patterns(text: str, birth: re.Pattern[str] | None = None) -> Iterator[PatternHit]:
    """Every shaped identifier in the text; overlaps are resolved by the caller."""
    for found in _EMAIL.finditer(text):
        yield PatternHit(found.start(), found.end(), EMAIL, True)
    for found in _NHS_SHAPE.finditer(text):
        value = found.group()
        if nhs.is_valid(value):
            yield PatternHit(found.start(), found.end(), NHS_NUMBER, True)
        elif _NHS_LABEL.search(text[max(0, found.start() - 24) : found.start()]):
            # Next to its label it is the NHS number, mistyped: removed, and flagged so someone checks the source.
            yield PatternHit(found.start(), found.end(), NHS_NUMBER, True, "NHS number fails its checksum")
        elif not value.startswith("0"):
            yield PatternHit(found.start(), found.end(), NHS_NUMBER, False, "10-digit number fails the NHS checksum")
    for found in _UPN_SHAPE.finditer(text):
        sure = upn.is_valid(found.group())
        yield PatternHit(found.start(), found.end(), UPN, sure, "" if sure else "UPN-like code fails its check letter")
    for found in _NI_NUMBER.finditer(text):
        yield PatternHit(found.start(), found.end(), NI_NUMBER, True)
    for found in _POSTCODE.finditer(text):
        yield PatternHit(found.start(), found.end(), POSTCODE, True)
    for found in _PHONE.finditer(text):
        if _is_phone(found.group()):
            yield PatternHit(found.start(), found.end(), PHONE, True)
    for found in _STREET.finditer(text):
        start = found.start() + len(found.group()) - len(found.group().lstrip())
        yield PatternHit(start, found.end(), ADDRESS, True)
    for found in _DOB_LABELLED.finditer(text):
        yield PatternHit(found.start("date"), found.end("date"), DATE_OF_BIRTH, True)
    if birth is not None:
        for found in birth.finditer(text):
            yield PatternHit(found.start(), found.end(), DATE_OF_BIRTH, True)
