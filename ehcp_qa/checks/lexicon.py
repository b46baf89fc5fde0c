"""lexicon: words or phrases that should not be there ("as appropriate", "regular", "may").

Context keeps specific uses from being flagged:
  exceptions       phrases around the word that make it harmless ("in May", "May #", "up to date")
  quantified_gloss a bracket or dash right after the word that gives an amount ("access arrangements (25% extra
                   time)", "regular (weekly)") makes it specific
  number_within    a number within this many words after the phrase makes it specific ("small group of 4")
  skip_quoted      words inside quotation marks are someone's own words (a child's view), not the plan's
  sentence_end     only report the phrase when it ends its sentence ("daily reading support." says no more)
  unquantified     only report the phrase when its sentence gives no amount ("when he feels worried" beside
                   "once a week for 30 minutes" is part of what the provision is for)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup
from ehcp_qa.checks.phrases import PhraseList, covered, gloss_after, has_amount, in_ranges, quoted_ranges
from ehcp_qa.checks.units import is_subheading

_GLOSS_OPEN = ("(", "[", "-", "–", "—")
_GLOSS_CLOSE = (")", "]", ".", ";")


@dataclass(frozen=True)
class Lexicon:
    phrases: PhraseList
    exceptions: PhraseList
    quantified_gloss: bool
    number_within: int
    skip_quoted: bool
    sentence_end: bool
    unquantified: bool


def compile_lexicon(params: Params, setup: Setup) -> Lexicon:
    return Lexicon(
        phrases=PhraseList.build("phrases", params.strings("phrases")),
        exceptions=PhraseList.build("exceptions", params.strings("exceptions", ())),
        quantified_gloss=params.boolean("quantified_gloss", False),
        number_within=params.integer("number_within", 0),
        skip_quoted=params.boolean("skip_quoted", True),
        sentence_end=params.boolean("sentence_end", False),
        unquantified=params.boolean("unquantified", False),
    )


def is_specific(doc: Doc, span: Span, lexicon: Lexicon) -> bool:
    """Whether the words around a match make it specific after all."""
    if lexicon.quantified_gloss:
        gloss = gloss_after(doc, span.end, _GLOSS_OPEN, _GLOSS_CLOSE)
        if gloss is not None and has_amount(gloss):
            return True
    if lexicon.number_within:
        return has_amount(doc[span.end : span.end + lexicon.number_within])
    return False


def _ends_sentence(span: Span) -> bool:
    return all(token.is_punct for token in span.doc[span.end : span.sent.end])


def matches(doc: Doc, lexicon: Lexicon) -> Iterator[Span]:
    """The phrases of the lexicon in this text that the context does not excuse."""
    found = lexicon.phrases.find(doc)
    if not found:
        return
    excused = lexicon.exceptions.find(doc)
    quoted = quoted_ranges(doc.text) if lexicon.skip_quoted else []
    for span in found:
        if covered(span, excused) or in_ranges(span.start_char, span.end_char, quoted):
            continue
        if lexicon.sentence_end and not _ends_sentence(span):
            continue
        if lexicon.unquantified and has_amount(span.sent):
            continue
        if not is_specific(doc, span, lexicon):
            yield span


def run_lexicon(view: PlanView, sections: tuple[str, ...], lexicon: Lexicon) -> Iterator[Hit]:
    for section in view.sections(sections):
        for block in section.blocks:
            if is_subheading(block):
                continue
            for span in matches(view.doc(block), lexicon):
                yield Hit(section.id, block, span.start_char, span.end_char, details={"words": span.text})


LEXICON = CheckType(compile=compile_lexicon, run=run_lexicon, details=frozenset({"words"}))
