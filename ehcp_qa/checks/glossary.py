"""The medical glossary (rules/medical_glossary.yaml), validated and compiled into spaCy matchers.

Names and aliases match in any case; abbreviations match in their exact case (ASD, not "asd"). An ambiguous
abbreviation (CP: cerebral palsy or child protection) counts only when one of its context words is near it, or
when its entry is the `usual` meaning (ASD: autism, unless heart words point to atrial septal defect).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ehcp_qa.checks.base import ParamError
from ehcp_qa.nlp import get_nlp

GLOSSARY_VERSION = 1
_NON_WORD = re.compile(r"[^a-z0-9]+")
KINDS = ("condition", "symptom", "procedure", "equipment", "medication", "test", "therapy")


@dataclass(frozen=True)
class Term:
    term: str
    aliases: tuple[str, ...]
    abbreviations: tuple[str, ...]
    kind: str
    plain: str
    context: tuple[str, ...] = ()  # set only for ambiguous entries
    usual: bool = False  # an ambiguous entry that its abbreviations mean when no entry's context words are near

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases, *self.abbreviations)


@dataclass(frozen=True)
class Mention:
    """A glossary term found in a text."""

    term: Term
    span: Span
    abbreviation: bool


def _strings(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ParamError(where, f"{key} must be a list of words")
    return tuple(value)


def parse_glossary(data: Any, name: str) -> tuple[Term, ...]:
    """Glossary entries from the parsed YAML; ParamError names the entry and field that is wrong."""
    if (
        not isinstance(data, Mapping)
        or data.get("version") != GLOSSARY_VERSION
        or not isinstance(data.get("terms"), list)
    ):
        raise ParamError(name, f"must have version: {GLOSSARY_VERSION} and a terms: list")
    terms = []
    for position, entry in enumerate(data["terms"]):
        where = f"{name} terms[{position}]"
        if not isinstance(entry, Mapping):
            raise ParamError(where, "must be a mapping")
        for key in ("term", "plain", "kind"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ParamError(where, f"{key} must be text")
        if entry["kind"] not in KINDS:
            raise ParamError(where, f"kind must be one of {', '.join(KINDS)}")
        ambiguous = entry.get("ambiguous", False)
        context = _strings(entry, "context", where)
        if ambiguous and not context:
            raise ParamError(where, "an ambiguous entry needs context words")
        terms.append(
            Term(
                term=entry["term"].strip(),
                aliases=_strings(entry, "aliases", where),
                abbreviations=_strings(entry, "abbreviations", where),
                kind=entry["kind"],
                plain=" ".join(entry["plain"].split()),
                context=tuple(word.lower() for word in context) if ambiguous else (),
                usual=bool(ambiguous and entry.get("usual", False)),
            )
        )
    return tuple(terms)


@dataclass(frozen=True)
class GlossaryMatcher:
    terms: tuple[Term, ...]
    by_name: PhraseMatcher  # terms and aliases, any case
    by_abbreviation: PhraseMatcher  # abbreviations, exact case

    @classmethod
    @cache  # several rules read the same glossary
    def build(cls, terms: tuple[Term, ...]) -> GlossaryMatcher:
        nlp = get_nlp()
        by_name = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_abbreviation = PhraseMatcher(nlp.vocab, attr="ORTH")
        for position, term in enumerate(terms):
            by_name.add(str(position), [nlp.make_doc(name) for name in (term.term, *term.aliases)])
            if term.abbreviations:
                by_abbreviation.add(str(position), [nlp.make_doc(name) for name in term.abbreviations])
        return cls(terms, by_name, by_abbreviation)

    def mentions(self, doc: Doc, context_text: str) -> Iterator[Mention]:
        """Terms in `doc`, longest match first where two overlap; an ambiguous abbreviation only with one of its
        context words in `context_text`."""
        found: list[tuple[Span, Term, bool, bool]] = []  # span, term, abbreviation, only as the usual meaning
        for matcher, abbreviation in ((self.by_name, False), (self.by_abbreviation, True)):
            for match_id, start, end in matcher(doc):
                term = self.terms[int(get_nlp().vocab.strings[match_id])]
                by_default = bool(abbreviation and term.context and not _has_context(term, context_text))
                if by_default and not term.usual:
                    continue
                found.append((doc[start:end], term, abbreviation, by_default))
        # A meaning its context confirms comes before the usual meaning of the same words.
        found.sort(key=lambda item: (item[0].start, -len(item[0]), item[3]))
        taken_until = 0
        for span, term, abbreviation, _ in found:
            if span.start >= taken_until:
                taken_until = span.end
                yield Mention(term, span, abbreviation)


def _has_context(term: Term, context_text: str) -> bool:
    """A context word (or a longer word it starts: "diagnos" -> "diagnosis") in the text."""
    padded = " " + _NON_WORD.sub(" ", context_text.lower())
    return any(f" {_NON_WORD.sub(' ', word).strip()}" in padded for word in term.context)
