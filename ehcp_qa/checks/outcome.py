"""outcome: tests of each outcome in section E against CoP 9.64-9.69 (an outcome is the benefit or difference
for the child, SMART: specific, measurable, achievable, realistic, time-bound).

An outcome is a paragraph, list item or table cell of E that says something; lines about the outcomes ("The
outcomes below are for the end of Year 6 unless stated") are not outcomes, but their timeframe applies to every
outcome of the section. A label or lead-in line above a list ("By the end of Key Stage 2:") applies to the list.
A line's own leading label is read past ("Outcome 1: Sam will ..." is an outcome), unless the label says it is
something else (`not_outcomes`: "Aspiration: ...").

`test` picks what a rule reports:
  provision   the outcome states provision ("will receive", "will be given")       -- `phrases`
  vague       vague wording ("improve", "be happy") and nothing measurable           -- `phrases`
  measurable  nothing measurable at all
  timeframe   no time by which it should be achieved, here or in the section's lead-in lines
  aspiration  an aspiration ("wants to be a vet") with nothing measurable or timed    -- `phrases`
What counts as measurable or timed comes from `measures` and `timeframes` (shared by all outcome rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup, whole_block
from ehcp_qa.checks.phrases import PhraseList
from ehcp_qa.checks.units import is_label, is_lead_in, row_key, table_rows
from ehcp_qa.model import Block, Section

TESTS = ("provision", "vague", "measurable", "timeframe", "aspiration")
_NEEDS_PHRASES = frozenset({"provision", "vague", "aspiration"})
MIN_WORDS = 4  # shorter lines are labels or fragments, not outcomes
_LABEL = re.compile(r"^\s*(?P<label>[^:.!?]{1,40}?)\s*:\s*(?P<rest>\S.*)$", re.DOTALL)
# "By July 2026, Sam will ...", "I will ...", "Leon wants to be ...": a sentence whose subject is the child (a name
# or a pronoun), stating an outcome or an aspiration.
_OUTCOME_SENTENCE = re.compile(
    r"^\s*(?:[^,.]{0,40},\s*)?(?P<subject>I|[Hh]e|[Ss]he|[Tt]hey|[A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+)?)"
    r"\s+(?:will|wants?\s+to|would\s+like\s+to|hopes?\s+to)\b"
)
_NOT_THE_CHILD = frozenset({"this", "that", "these", "those", "it", "there", "staff", "school", "the", "progress"})


@dataclass(frozen=True)
class OutcomeTest:
    test: str
    phrases: PhraseList
    measures: PhraseList
    timeframes: PhraseList
    about_outcomes: PhraseList  # words of a line about the outcomes rather than an outcome ("outcomes below")
    not_outcomes: PhraseList  # a leading label that says the line is not an outcome ("Aspiration:")


def compile_outcome(params: Params, setup: Setup) -> OutcomeTest:
    test = params.choice("test", TESTS)
    phrases = params.strings("phrases") if test in _NEEDS_PHRASES else ()
    return OutcomeTest(
        test=test,
        phrases=PhraseList.build("phrases", phrases),
        measures=PhraseList.build("measures", params.strings("measures")),
        timeframes=PhraseList.build("timeframes", params.strings("timeframes")),
        about_outcomes=PhraseList.build("about_outcomes", params.strings("about_outcomes")),
        not_outcomes=PhraseList.build("not_outcomes", params.strings("not_outcomes", ())),
    )


@dataclass(frozen=True)
class Outcome:
    block: Block
    words: Span  # the outcome itself, after any leading label ("Outcome 2:")
    timed_by_context: bool  # a lead-in, label, same-row cell or section line gives its timeframe
    whole: bool = True  # the outcome is its whole line; False for one of several outcomes in a paragraph


def _states_outcome(sentence: Span) -> bool:
    found = _OUTCOME_SENTENCE.match(sentence.text)
    return found is not None and found.group("subject").split()[0].lower() not in _NOT_THE_CHILD


def _split(words: Span, timed: bool, check: OutcomeTest, block: Block) -> list[Outcome]:
    """A paragraph holding two or more outcome sentences ("By July 2026, I will ... . I will have more
    friends.") is that many outcomes, each tested alone; a time given anywhere in it applies to all."""
    stated = [sentence for sentence in words.sents if _states_outcome(sentence)]
    if len(stated) < 2:
        return [Outcome(block, words, timed)]
    timed = timed or check.timeframes.in_text(words)
    return [Outcome(block, sentence, timed, whole=False) for sentence in stated]


def _after_label(doc: Doc) -> tuple[Span | None, Span]:
    """("Outcome 1", "Sam will ...") for a line that starts with a short label and a colon, else (None, line)."""
    found = _LABEL.match(doc.text)
    if not found:
        return None, doc[:]
    label = doc.char_span(*found.span("label"), alignment_mode="expand")
    rest = doc.char_span(found.start("rest"), len(doc.text), alignment_mode="expand")
    return label, rest if rest is not None else doc[:]


def outcomes(view: PlanView, section: Section, check: OutcomeTest) -> Iterator[Outcome]:
    """The outcomes of a section, each with whether the lines around it give a timeframe."""
    meta = [b for b in section.blocks if not is_label(b) and check.about_outcomes.in_text(_after_label(view.doc(b))[1])]
    section_timed = any(check.timeframes.in_text(view.doc(b)) for b in meta)
    rows = table_rows(section.blocks)
    heading_timed = False
    for block in section.blocks:
        if is_label(block) or is_lead_in(block):
            if block.location.table is None:
                heading_timed = check.timeframes.in_text(view.doc(block))
            continue
        label, words = _after_label(view.doc(block))
        if any(block is b for b in meta) or len(block.text.split()) < MIN_WORDS:
            continue
        if label is not None and check.not_outcomes.in_text(label):
            continue  # "Aspiration: to work with animals" introduces the outcomes; it is not one
        key = row_key(block)
        same_row = [b for b in rows.get(key, []) if b is not block] if key else []
        row_timed = any(check.timeframes.in_text(view.doc(b)) for b in same_row)
        yield from _split(words, section_timed or heading_timed or row_timed, check, block)


def _fails(test: str, wording: bool, measurable: bool, timed: bool, timed_here: bool) -> bool:
    """Whether an outcome fails the test: `wording` is whether the rule's phrases are in it."""
    return {
        "provision": wording,
        "vague": wording and not measurable,
        "measurable": not measurable,
        "timeframe": not timed,
        # an aspiration with its own date or measure is an outcome that names the aspiration it serves
        "aspiration": wording and not measurable and not timed_here,
    }[test]


def run_outcome(view: PlanView, sections: tuple[str, ...], check: OutcomeTest) -> Iterator[Hit]:
    for section in view.sections(sections):
        for outcome in outcomes(view, section, check):
            found = check.phrases.find(outcome.words)
            timed_here = check.timeframes.in_text(outcome.words)
            measurable = check.measures.in_text(outcome.words)
            if _fails(check.test, bool(found), measurable, outcome.timed_by_context or timed_here, timed_here):
                details = {"words": ", ".join(dict.fromkeys(span.text for span in found))}
                if outcome.whole:
                    yield whole_block(section.id, outcome.block, details=details)
                else:
                    sentence = outcome.words.text.rstrip()
                    start = outcome.words.start_char
                    yield Hit(section.id, outcome.block, start, start + len(sentence), details=details)


OUTCOME = CheckType(compile=compile_outcome, run=run_outcome, details=frozenset({"words"}))
