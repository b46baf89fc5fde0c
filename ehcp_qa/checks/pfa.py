"""pfa-outcomes: from Year 9 (or age 14), section E includes outcomes for preparing for adulthood (SEND
Regulations 2014 reg 12(3); CoP 8.9-8.12, 9.66): employment or further education, independent living, friends
and community, good health.

`areas` maps each area to words that show an outcome is about it; `school_life` holds phrases using those words about
school instead ("relationships with staff", "homework club"). The rule reports a plan none of whose outcomes touch
any area. Year group and age come from the plan's personal details; when neither is known nothing is said.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup, from_year
from ehcp_qa.checks.phrases import PhraseList, covered
from ehcp_qa.checks.units import is_subheading


@dataclass(frozen=True)
class PfaCheck:
    areas: dict[str, PhraseList]
    school_life: PhraseList
    from_year_group: int
    from_age: int


def compile_pfa(params: Params, setup: Setup) -> PfaCheck:
    return PfaCheck(
        areas={area: PhraseList.build(f"areas.{area}", words) for area, words in params.groups("areas").items()},
        school_life=PhraseList.build("school_life", params.strings("school_life", ())),
        from_year_group=params.integer("from_year_group", 9),
        from_age=params.integer("from_age", 14),
    )


def run_pfa(view: PlanView, sections: tuple[str, ...], check: PfaCheck) -> Iterator[Hit]:
    if not from_year(view.plan.metadata, check.from_year_group, check.from_age):
        return
    section = view.plan.section("E")
    if section is None:
        return  # reported as section-missing
    blocks = [block for block in section.blocks if not is_subheading(block)]
    if not any(_about_adulthood(view.doc(block), check) for block in blocks):
        yield Hit("E", details={"areas": ", ".join(check.areas)})


def _about_adulthood(doc: Doc, check: PfaCheck) -> bool:
    school_life = check.school_life.find(doc)
    return any(not covered(word, school_life) for words in check.areas.values() for word in words.find(doc))


PFA = CheckType(compile=compile_pfa, run=run_pfa, details=frozenset({"areas"}))
