"""Word lists from rule files, matched on spaCy Docs, and the small text facts several checks need.

A phrase is words separated by spaces, matched in lower case. Special words:
  ~word  any form of the word, by lemma ("~improve" matches improves, improving, improved)
  #      an amount: a number ("3", "three", "1:1", "25%") that is not a year, a school year ("Year 6"), a key
         stage, an age or the day of a date
  ##     any number, years and days of dates too ("12 May", "May 2025")
  @      a year ("2026")
  *      any one word (not a punctuation mark: "* support" must not match ". Support")
  ...    up to four words ("if ... ~get worse" matches "if his joint pain gets worse")
Punctuation inside a word is kept as spaCy splits it ("e.g.", "1:1", "up-to-date").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ehcp_qa.checks.base import ParamError
from ehcp_qa.nlp import get_nlp

_NUMBER_WORDS = frozenset(
    (
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "forty-five",
        "fifty",
        "sixty",
        "ninety",
        "hundred",
        "half",
        "once",
        "twice",
    )
)
_NUMERIC = re.compile(r"^(?:\d+(?:[.:/]\d+)*(?:st|nd|rd|th|%|x)?|x\d+)$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NOT_AMOUNT_BEFORE = frozenset(["year", "years", "yr", "y", "stage", "ks", "age", "aged", "nc"])
# "once one becomes available", "if one is free", "ask for one.": "one" standing for a thing, not a count.
_HAPPENS = frozenset(["is", "becomes", "was", "can", "will", "has", "comes"])
_PRONOUN_ONE_AFTER = _HAPPENS | {"."}
# "once a week is enough": a period after "once a" makes it a count whatever follows.
_PERIODS = frozenset(["day", "week", "fortnight", "month", "term", "half", "year", "lesson", "session", "night"])
# "once a week", "once every half term", "once more": otherwise "once" means "as soon as" ("once she is 18").
_ONCE_COUNTS_BEFORE = frozenset(
    [
        "a",
        "an",
        "per",
        "every",
        "each",
        "in",
        "weekly",
        "daily",
        "monthly",
        "termly",
        "fortnightly",
        "yearly",
        "annually",
        "more",
        ",",
        ".",
    ]
)
_MONTHS = frozenset(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    )
)
AMOUNT_ATTR = "ehcp_amount"
NUMBER_ATTR = "ehcp_number"
YEAR_ATTR = "ehcp_year"


def is_number(word: str) -> bool:
    """A number as plans write one: digits, ratios (1:1), ordinals, percentages, or a number word."""
    return bool(_NUMERIC.match(word)) or word.lower() in _NUMBER_WORDS


def _once_a_thing_happens(once: Token) -> bool:
    """ "once a worker is allocated", "once an assessment has been done": "as soon as", not "once a week"."""
    doc = once.doc
    verb = once.i + 3
    return (
        doc[once.i + 1].lower_ in ("a", "an")
        and verb < len(doc)
        and doc[once.i + 2].lower_ not in _PERIODS
        and doc[verb].lower_ in _HAPPENS
    )


def is_amount(token: Token) -> bool:
    """A number that counts or measures something, not a year, "Year 6", "Key Stage 2", "age 14" or a date."""
    if not is_number(token.text) or _YEAR.match(token.text):
        return False
    doc = token.doc
    before = doc[token.i - 1].lower_ if token.i > 0 else ""
    after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
    if (token.lower_ == "one" and after in _PRONOUN_ONE_AFTER) or (
        token.lower_ == "once" and (after not in _ONCE_COUNTS_BEFORE or _once_a_thing_happens(token))
    ):
        return False
    return before not in _NOT_AMOUNT_BEFORE and before not in _MONTHS and after not in _MONTHS


if not Token.has_extension(AMOUNT_ATTR):
    Token.set_extension(AMOUNT_ATTR, getter=is_amount)
    Token.set_extension(NUMBER_ATTR, getter=lambda token: is_number(token.text))
    Token.set_extension(YEAR_ATTR, getter=lambda token: bool(_YEAR.match(token.text)))


def _token_patterns(phrase: str, where: str) -> list[dict[str, object]]:
    tokenizer = get_nlp().tokenizer
    patterns: list[dict[str, object]] = []
    for word in phrase.split():
        if word == "#":
            patterns.append({"_": {AMOUNT_ATTR: True}})
        elif word == "##":
            patterns.append({"_": {NUMBER_ATTR: True}})
        elif word == "@":
            patterns.append({"_": {YEAR_ATTR: True}})
        elif word == "*":
            patterns.append({"IS_PUNCT": False})
        elif word == "...":
            patterns.append({"IS_PUNCT": False, "OP": "{0,4}"})
        elif word.startswith("~") and len(word) > 1:
            lemma = get_nlp()(word[1:].lower())[0].lemma_
            patterns.append({"LEMMA": lemma})
        else:
            patterns.extend({"LOWER": token.lower_} for token in tokenizer(word))
    if not patterns or all(not pattern for pattern in patterns):
        raise ParamError(where, "must contain at least one word")
    return patterns


@dataclass(frozen=True)
class PhraseList:
    """A named list of phrases compiled into one spaCy Matcher; `find` gives the longest matches."""

    phrases: tuple[str, ...]
    matcher: Matcher

    @classmethod
    def build(cls, name: str, phrases: Sequence[str]) -> PhraseList:
        matcher = Matcher(get_nlp().vocab)
        for position, phrase in enumerate(phrases):
            matcher.add(str(position), [_token_patterns(phrase, f"{name}[{position}]")])
        return cls(tuple(phrases), matcher)

    def find(self, doc: Doc | Span) -> list[Span]:
        """Non-overlapping matches, longest first where two overlap, in text order."""
        if not self.phrases:
            return []
        spans = self.matcher(doc, as_spans=True)
        return sorted(filter_spans(spans), key=lambda span: span.start)

    def in_text(self, doc: Doc | Span) -> bool:
        return bool(self.phrases) and bool(self.matcher(doc))


@dataclass(frozen=True)
class PhraseGroups:
    """Named groups of phrases (topics, areas) in one Matcher: one pass over a text finds every group in it."""

    names: tuple[str, ...]
    matcher: Matcher

    @classmethod
    def build(cls, name: str, groups: dict[str, tuple[str, ...]]) -> PhraseGroups:
        matcher = Matcher(get_nlp().vocab)
        for group, phrases in groups.items():
            matcher.add(group, [_token_patterns(phrase, f"{name}.{group}[{i}]") for i, phrase in enumerate(phrases)])
        return cls(tuple(groups), matcher)

    def found_in(self, doc: Doc | Span) -> set[str]:
        """The names of the groups with a phrase in the text."""
        strings = get_nlp().vocab.strings
        return {strings[match_id] for match_id, _, _ in self.matcher(doc)}


def gloss_after(doc: Doc, index: int, openers: str, closers: str) -> Span | None:
    """The words of a gloss that opens at token `index` ("(25% extra time)", "- Sam has seizures ..."), up to a
    closing mark or the end of the sentence; None when no gloss opens there."""
    if index >= len(doc) or doc[index].text not in openers:
        return None
    end = index + 1
    while end < len(doc) and doc[end].text not in closers and not doc[end].is_sent_start:
        end += 1
    return doc[index + 1 : end]


def covered(span: Span, others: Iterable[Span]) -> bool:
    """Whether `span` lies inside one of `others` (an exception phrase around a flagged word)."""
    return any(other.start <= span.start and span.end <= other.end for other in others)


# An apostrophe after a word or a closing bracket ("Sam's", "[CHILD]'s", "(SENCo)'s") is a possessive, not a quote.
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|(?<![\w’'\])])[‘'][^’']*(?:[’'](?![\w])|$)")


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (a child's or parent's own words, not the plan's)."""
    return [match.span() for match in _QUOTED.finditer(text)]


def in_ranges(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= start and end <= high for low, high in ranges)


def years(tokens: Iterable[Token]) -> list[int]:
    """The years named ("2016" in "March 2016")."""
    return [int(token.text) for token in tokens if _YEAR.match(token.text)]


def has_amount(tokens: Iterable[Token]) -> bool:
    return any(token._.get(AMOUNT_ATTR) for token in tokens)
