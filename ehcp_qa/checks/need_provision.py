"""need-provision: every need in B is met by provision, and provision answers a need (CoP 9.69: provision "must
be specified for each and every need specified in section B").

Needs and provision are matched by topic (`topics`: fine motor skills, reading, anxiety, toileting...), so a need
statement counts as met when any topic it names also appears in the provision sections.

`direction: need` reports a statement of `need_sections` (B) that describes a difficulty (`need_words`: "finds it
hard", "cannot yet") and names topics none of which appears in `provision_sections`; a statement that names a
diagnosis from `glossary` sums the child up rather than stating one need, and is left alone. `direction:
provision` reports a statement of `provision_sections` (F) that names topics none of which appears anywhere in
`need_sections` (B, and E, where preparing-for-adulthood needs are often only stated as outcomes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup, whole_block
from ehcp_qa.checks.glossary import GlossaryMatcher, parse_glossary
from ehcp_qa.checks.phrases import PhraseGroups, PhraseList
from ehcp_qa.checks.units import is_label, is_lead_in
from ehcp_qa.model import Block, Section


@dataclass(frozen=True)
class NeedProvisionCheck:
    direction: str
    topics: PhraseGroups
    need_words: PhraseList
    provision_sections: tuple[str, ...]
    need_sections: tuple[str, ...]
    diagnoses: GlossaryMatcher | None  # a statement naming a diagnosis sums up the child, it is not one need


def compile_need_provision(params: Params, setup: Setup) -> NeedProvisionCheck:
    return NeedProvisionCheck(
        direction=params.choice("direction", ("need", "provision")),
        topics=PhraseGroups.build("topics", params.groups("topics")),
        need_words=PhraseList.build("need_words", params.strings("need_words", ())),
        provision_sections=params.strings("provision_sections", ("F",)),
        need_sections=params.strings("need_sections", ("B",)),
        diagnoses=GlossaryMatcher.build(parse_glossary(setup.data_file(name), name))
        if (name := params.string("glossary", None))
        else None,
    )


def _topics(doc: Doc, check: NeedProvisionCheck) -> set[str]:
    return check.topics.found_in(doc)


def _statements(section: Section) -> Iterator[Block]:
    return (block for block in section.blocks if not is_label(block) and not is_lead_in(block))


def _covered(view: PlanView, sections: list[Section], check: NeedProvisionCheck) -> set[str]:
    return {topic for section in sections for block in section.blocks for topic in _topics(view.doc(block), check)}


def _names_diagnosis(doc: Doc, check: NeedProvisionCheck) -> bool:
    return check.diagnoses is not None and any(
        mention.term.kind == "condition" for mention in check.diagnoses.mentions(doc, doc.text)
    )


def run_need_provision(view: PlanView, sections: tuple[str, ...], check: NeedProvisionCheck) -> Iterator[Hit]:
    needs = view.sections(check.need_sections)
    provision = view.sections(check.provision_sections)
    if not needs or not provision:
        return  # reported as section-missing
    if check.direction == "need":
        provided = _covered(view, provision, check)
        for section in needs:
            for block in _statements(section):
                doc = view.doc(block)
                topics = _topics(doc, check)
                if (
                    topics
                    and not topics & provided
                    and check.need_words.in_text(doc)
                    and not _names_diagnosis(doc, check)
                ):
                    yield whole_block(section.id, block, details={"topics": ", ".join(sorted(topics))})
    else:
        described = _covered(view, needs, check)
        for section in provision:
            for block in _statements(section):
                topics = _topics(view.doc(block), check)
                if topics and not topics & described:
                    yield whole_block(section.id, block, details={"topics": ", ".join(sorted(topics))})


NEED_PROVISION = CheckType(compile=compile_need_provision, run=run_need_provision, details=frozenset({"topics"}))
