"""structure: the statutory sections are there (SEND Regulations 2014 reg 12; CoP 9.62).

sections-present  each of the rule's sections is found (an undivided H counts for H1 and H2; a section may be
                  empty, as I is in a draft, but its heading must be there); with `empty: true`, each found
                  section that has no content is reported instead
plan-shape        fewer than `min_sections` sections found: the document is probably not an EHC plan (the
                  engine then drops the pile of "section missing" findings)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup
from ehcp_qa.model import SECTION_NAMES


@dataclass(frozen=True)
class Presence:
    empty: bool


def _named(section_id: str) -> dict[str, str]:
    return {"section": section_id, "name": SECTION_NAMES[section_id].lower()}


def compile_presence(params: Params, setup: Setup) -> Presence:
    return Presence(empty=params.boolean("empty", False))


def run_presence(view: PlanView, sections: tuple[str, ...], check: Presence) -> Iterator[Hit]:
    for section_id in sections:
        section = view.plan.section(section_id)
        if section is None and not check.empty:
            yield Hit(section_id, details=_named(section_id))
        elif section is not None and check.empty and not any(block.text.strip() for block in section.blocks):
            yield Hit(section.id, details=_named(section.id))


@dataclass(frozen=True)
class Shape:
    min_sections: int


def compile_shape(params: Params, setup: Setup) -> Shape:
    return Shape(min_sections=params.integer("min_sections", 3, minimum=1))


def run_shape(view: PlanView, sections: tuple[str, ...], check: Shape) -> Iterator[Hit]:
    found = len(view.plan.sections)
    if found < check.min_sections:
        yield Hit(None, details={"found": str(found)})


PRESENCE = CheckType(compile=compile_presence, run=run_presence, details=frozenset({"section", "name"}))
SHAPE = CheckType(compile=compile_shape, run=run_shape, details=frozenset({"found"}))
