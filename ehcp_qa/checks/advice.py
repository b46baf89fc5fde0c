"""advice-listed: section K lists the advice that SEND Regulations 2014 reg 6(1) requires in every assessment.

`advice` maps each kind of advice (parent or young person, educational, medical, psychological...) to the words
that show an entry of K is that advice; `adulthood` is advice on preparing for adulthood, required from Year 9
(reg 6(1)(g)). An entry that says the advice was requested but not received (`not_received`) does not count.
Social care advice (reg 6(1)(e)) is checked by the social-care rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup, from_year, whole_block
from ehcp_qa.checks.phrases import PhraseList
from ehcp_qa.checks.units import is_subheading


@dataclass(frozen=True)
class AdviceCheck:
    advice: dict[str, PhraseList]
    adulthood: PhraseList
    not_received: PhraseList
    from_year_group: int
    from_age: int


def compile_advice(params: Params, setup: Setup) -> AdviceCheck:
    return AdviceCheck(
        advice={kind: PhraseList.build(f"advice.{kind}", words) for kind, words in params.groups("advice").items()},
        adulthood=PhraseList.build("adulthood", params.strings("adulthood", ())),
        not_received=PhraseList.build("not_received", params.strings("not_received")),
        from_year_group=params.integer("from_year_group", 9),
        from_age=params.integer("from_age", 14),
    )


def run_advice(view: PlanView, sections: tuple[str, ...], check: AdviceCheck) -> Iterator[Hit]:
    section = view.plan.section("K")
    if section is None:
        return  # reported as section-missing
    entries = [block for block in section.blocks if not is_subheading(block)]
    required = dict(check.advice)
    if check.adulthood.phrases and from_year(view.plan.metadata, check.from_year_group, check.from_age):
        required["preparing for adulthood"] = check.adulthood
    for kind, words in required.items():
        listed = [block for block in entries if words.in_text(view.doc(block))]
        received = [block for block in listed if not check.not_received.in_text(view.doc(block))]
        if received:
            continue
        details = {"advice": kind}
        yield whole_block("K", listed[0], details=details) if listed else Hit("K", details=details)


ADVICE = CheckType(compile=compile_advice, run=run_advice, details=frozenset({"advice"}))
