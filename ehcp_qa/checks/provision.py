"""provision-quantity: a piece of provision that does not say how often (or how long), or who delivers it.

CoP 9.69: provision "must be detailed and specific and should normally be quantified, for example, in terms of
the type, hours and frequency of support and level of expertise". A statement is tested only when it names
something delivered (`provision_words`: sessions, programme, therapy, support...) outside `not_provision` phrases
("support plan", "Learning Support Base"), or is a bare item of at most `bare_item_words` words (in a
table, only a row's first cell: "Coloured overlays."), and does not say there is none (`no_provision`). A table row's
Frequency and Who cells, a lead-in line above a list, and a next sentence that refers back (`continued_by`: "They
last 20 minutes.") count as part of the statement; each sentence of a paragraph is its own statement. A
row cell or lead-in with a vague word from `vague_words` ("As appropriate" in its Frequency cell) gives the
statement nothing: the lexicon rules name the vague words, and the statement is still tested without them
("Mentoring." beside "As needed" has no frequency). A vague word in the statement itself does not give it an amount
("Mentoring as appropriate.").

`require: frequency` reports a statement with none of `quantities`; `require: who` one with none of `roles`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup, span_hit
from ehcp_qa.checks.phrases import PhraseList, covered
from ehcp_qa.checks.units import table_rows, units
from ehcp_qa.model import Block

REQUIREMENTS = ("frequency", "who")
ITEM_SECTIONS = frozenset({"F", "G"})  # in H a short line is a reply to the heading ("Not assessed."), not an item


@dataclass(frozen=True)
class ProvisionCheck:
    require: str
    provision_words: PhraseList
    not_provision: PhraseList  # phrases around a provision word that make it something else ("support plan")
    no_provision: PhraseList  # a statement that there is no provision ("not applicable", "does not need")
    vague_words: PhraseList
    required_words: PhraseList  # quantities or roles
    continued_by: PhraseList  # how a next sentence that finishes this one starts ("They", "Each session")
    bare_item_words: int  # a list item or sentence this short is provision by itself ("Coloured overlays.")
    clause_words: PhraseList  # ... unless it is a statement ("This section is complete.")


def compile_provision(params: Params, setup: Setup) -> ProvisionCheck:
    require = params.choice("require", REQUIREMENTS)
    return ProvisionCheck(
        require=require,
        provision_words=PhraseList.build("provision_words", params.strings("provision_words")),
        not_provision=PhraseList.build("not_provision", params.strings("not_provision", ())),
        no_provision=PhraseList.build("no_provision", params.strings("no_provision", ())),
        vague_words=PhraseList.build("vague_words", params.strings("vague_words", ())),
        continued_by=PhraseList.build("continued_by", params.strings("continued_by", ())),
        bare_item_words=params.integer("bare_item_words", 0, minimum=0),
        clause_words=PhraseList.build("clause_words", params.strings("clause_words", ())),
        required_words=PhraseList.build(
            "quantities" if require == "frequency" else "roles",
            params.strings("quantities" if require == "frequency" else "roles"),
        ),
    )


def _names_provision(doc: Doc | Span, check: ProvisionCheck) -> bool:
    if check.no_provision.in_text(doc):
        return False
    excluded = check.not_provision.find(doc)
    return any(not covered(span, excluded) for span in check.provision_words.find(doc))


def _is_bare_item(sentence: Span, block: Block, section: str, check: ProvisionCheck) -> bool:
    """A short item ("Coloured overlays.", "Orthotics as advised."): in section F or G it can only be provision.
    In a table only a row's first cell is tested: the others name who and how often, not provision. A short
    statement ("This section is complete.") is not an item."""
    words = sum(1 for token in sentence if token.is_alpha)
    if section not in ITEM_SECTIONS or block.location.cell:
        return False
    if check.no_provision.in_text(sentence) or check.clause_words.in_text(sentence):
        return False
    return 0 < words <= check.bare_item_words


def _continues(sentence: Span, check: ProvisionCheck) -> bool:
    return any(span.start == sentence.start for span in check.continued_by.find(sentence))


def run_provision(view: PlanView, sections: tuple[str, ...], check: ProvisionCheck) -> Iterator[Hit]:
    # A row's cells may sit in different sections of the rule (F and G columns): they belong together.
    rows = table_rows(block for section in view.sections(sections) for block in section.blocks)
    for section in view.sections(sections):
        for unit in units(section, rows):
            context = [view.doc(block) for block in unit.context]
            sentences = list(view.doc(unit.block).sents)
            for at, sentence in enumerate(sentences):
                # The next sentence may finish this one's provision ("They last 20 minutes, twice a week.").
                following = [s for s in sentences[at + 1 : at + 2] if _continues(s, check)]
                near = [*(doc for doc in context if not check.vague_words.in_text(doc)), sentence, *following]
                if not (_names_provision(sentence, check) or _is_bare_item(sentence, unit.block, section.id, check)):
                    continue
                if not any(check.required_words.in_text(doc) for doc in near):
                    yield span_hit(section.id, unit.block, sentence)


PROVISION = CheckType(compile=compile_provision, run=run_provision)
