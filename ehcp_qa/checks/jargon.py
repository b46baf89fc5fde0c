"""abbreviation: abbreviations used in the plan and never spelled out (SALT, EP, CAMHS, SENCo, TA...).

An abbreviation is a word of 2-7 letters with at least two capitals and at most two small letters ("SENCo",
"SpLD"; a plural "TAs" counts as "TA"). It is spelled out when the plan (any section, its headings or its front
page) has it in brackets after words ("speech and language therapist (SALT)"), or has words in brackets after it
("SALT (speech and language therapy)"), or a glossary line "SALT - speech and language therapy" whose initials fit.
Abbreviations every reader knows (`known`) are left alone, and so are headings written in capitals.

Medical abbreviations from the glossary are not reported in `medical_sections` (C): the medical-term rule reports
them there with a plain-English definition. Each abbreviation is reported once, where it is first used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup
from ehcp_qa.checks.glossary import parse_glossary
from ehcp_qa.nlp import get_nlp

_ABBREVIATION = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})(?!(?:[^a-z]*[a-z]){3})[A-Z][A-Za-z]{1,6}$")
_SEPARATORS = {"-", "–", "—", ":", "="}
_MOSTLY_CAPITALS = 0.6  # a line with more capitals than this is a heading in capitals
_HEADING_MIN_WORDS = 3


@dataclass(frozen=True)
class JargonCheck:
    known: frozenset[str]
    medical: frozenset[str]  # glossary abbreviations, left to the medical rule in `medical_sections`
    medical_sections: frozenset[str]


def compile_jargon(params: Params, setup: Setup) -> JargonCheck:
    glossary_file = params.string("glossary")
    terms = parse_glossary(setup.data_file(glossary_file), glossary_file)
    return JargonCheck(
        known=frozenset(params.strings("known")),
        medical=frozenset(abbreviation for term in terms for abbreviation in term.abbreviations),
        medical_sections=frozenset(params.strings("medical_sections", ())),
    )


def abbreviation(token: Token) -> str | None:
    """The abbreviation this word is (without a plural s), or None."""
    text = token.text
    if text.endswith("s") and text[:-1].isupper() and _ABBREVIATION.match(text[:-1]):
        return text[:-1]
    return text if _ABBREVIATION.match(text) else None


def _placeholder(token: Token) -> bool:
    """A template or redaction placeholder such as "[CHILD]" or "[PARENT 1]", not an abbreviation."""
    return token.i > 0 and token.doc[token.i - 1].text == "["


def _in_capitals(text: str) -> bool:
    """A heading written in capitals ("SECTION B - SPECIAL EDUCATIONAL NEEDS"), not a cell holding "TA"."""
    letters = [c for c in text if c.isalpha()]
    return (
        len(text.split()) >= _HEADING_MIN_WORDS and sum(c.isupper() for c in letters) / len(letters) > _MOSTLY_CAPITALS
    )


def _fits(short: str, words: list[str]) -> bool:
    """Whether the capitals of `short` are the initials of `words`, in order (small words may be skipped)."""
    letters = [c.lower() for c in short if c.isupper()]
    initials = [word[0].lower() for word in words if word[:1].isalpha()]
    if not initials or initials[0] != letters[0]:
        return False
    position = 0
    for initial in initials:
        if position < len(letters) and initial == letters[position]:
            position += 1
    return position == len(letters)


def _expands_before(short: str, doc: Doc, bracket: int) -> bool:
    """Whether words just before "(SHORT)" spell it out: some run of them ending at the bracket has its
    initials ("speech and language therapist (SALT)"; not "Mrs Brown (SENCo)")."""
    words = [token.text for token in doc[max(0, bracket - 3 * len(short)) : bracket] if token.is_alpha]
    return any(_fits(short, words[start:]) for start in range(len(words)))


def _defined_in(doc: Doc) -> Iterator[str]:
    """Abbreviations this text spells out."""
    for token in doc:
        short = abbreviation(token)
        if short is None:
            continue
        before = doc[token.i - 1] if token.i else None
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if before is not None and before.text in ("(", "[") and _expands_before(short, doc, token.i - 1):
            yield short  # "speech and language therapist (SALT)"
        elif after is not None and after.text in ("(", "["):
            inside = [t.text for t in doc[token.i + 2 : token.i + 12] if t.is_alpha]
            if len(inside) >= 2:
                yield short  # "SALT (speech and language therapy)"
        elif after is not None and after.text in _SEPARATORS:
            words = [t.text for t in doc[token.i + 2 : token.i + 2 + 3 * len(short)] if t.is_alpha]
            if _fits(short, words):
                yield short  # a glossary line "SALT - speech and language therapy"


def _texts(view: PlanView) -> Iterable[Doc]:
    """Everything where an abbreviation may be spelled out: front page, section titles and every block."""
    yield from (view.doc(block) for block in (*view.plan.preamble, *(block for _, block in view.all_blocks)))
    yield from get_nlp().pipe(section.title for section in view.plan.sections)


def run_jargon(view: PlanView, sections: tuple[str, ...], check: JargonCheck) -> Iterator[Hit]:
    defined = {short for doc in _texts(view) for short in _defined_in(doc)}
    reported: set[str] = set(defined) | check.known
    for section in view.sections(sections):
        for block in section.blocks:
            if _in_capitals(block.text):
                continue
            for token in view.doc(block):
                short = abbreviation(token)
                if short is None or short in reported or _placeholder(token):
                    continue
                if short in check.medical and section.id in check.medical_sections:
                    continue
                reported.add(short)
                yield Hit(section.id, block, token.idx, token.idx + len(token.text), details={"words": short})


JARGON = CheckType(compile=compile_jargon, run=run_jargon, details=frozenset({"words"}))
