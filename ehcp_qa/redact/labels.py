"""The kinds of identifier the redactor replaces, and the label text each one becomes.

People and schools are numbered so the plan still reads ("[PARENT 1] said [CHILD] ..."); the child is always
[CHILD]; every other kind is one fixed label.
"""

from __future__ import annotations

CHILD = "CHILD"
PARENT = "PARENT"
PROFESSIONAL = "PROFESSIONAL"
PERSON = "PERSON"
SCHOOL = "SCHOOL"
DATE_OF_BIRTH = "DATE OF BIRTH"
ADDRESS = "ADDRESS"
POSTCODE = "POSTCODE"
PHONE = "PHONE"
EMAIL = "EMAIL"
NHS_NUMBER = "NHS NUMBER"
UPN = "UPN"
NI_NUMBER = "NI NUMBER"

PEOPLE_KINDS = (CHILD, PARENT, PROFESSIONAL, PERSON)  # also the priority when two kinds claim one person
NUMBERED_KINDS = frozenset({PARENT, PROFESSIONAL, PERSON, SCHOOL})


def label_text(kind: str, number: int = 0) -> str:
    return f"[{kind} {number}]" if kind in NUMBERED_KINDS else f"[{kind}]"
