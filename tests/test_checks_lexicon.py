"""Vague provision wording (PRV rules, lexicon check): the words, and the context that makes them specific."""

from __future__ import annotations

import pytest

from ehcp_qa.engine import load_rules, plan_from_sections, run_checks

RULES = load_rules()


def vague_words(*paragraphs: str, section: str = "F") -> list[str]:
    plan = plan_from_sections({section: list(paragraphs)})
    return [
        f.evidence
        for f in run_checks(plan, RULES)
        if f.category == "provision-vague" and f.rule not in ("PRV006", "PRV007")
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Speech and language therapy as appropriate.", ["as appropriate"]),
        ("Sam may need adult support in some lessons.", ["may", "some lessons"]),
        ("Sam would benefit from a social skills group.", ["would benefit from"]),
        ("Amira will have access to PECS.", ["access to"]),
        ("OT up to 6 sessions a year.", ["up to"]),
        ("Regular check-ins with a key adult.", ["Regular", "key adult"]),
        ("Lily will have daily reading support.", ["daily reading support"]),
        ("Transition support to be considered in Year 6.", ["to be considered"]),
        ("Physiotherapy advice to school if his joint pain gets worse.", ["if his joint pain gets worse"]),
        ("Sensory breaks, e.g. a trampoline, etc.", ["e.g.", "etc."]),
        ("Zara can use the calm room if her anxiety becomes too much.", ["if her anxiety becomes"]),
    ],
)
def test_vague_words_are_quoted_exactly(text: str, words: list[str]) -> None:
    assert vague_words(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "Access arrangements (25% extra time) in all tests, with a reader, arranged by the SENCo.",
        "The SENCo will review the programme in May 2026 with Sam's parents, for 30 minutes.",
        "Phonics in a small group of 4 pupils, 20 minutes a day, with a trained teaching assistant.",
        "A key adult (a teaching assistant trained in attachment) will check in with her each morning.",
        "Regular (3 times a week) sensory circuits of 10 minutes with a teaching assistant.",
        'Sam told us: "adults should talk to me quietly". Staff will give him 10 seconds to answer, every lesson.',
        "Staff keep records up to date each week.",
        "Zara sees the school nurse every Monday for 20 minutes, to plan what to do if her anxiety becomes too much.",
    ],
)
def test_specific_uses_pass(text: str) -> None:
    assert vague_words(text) == []


def test_only_provision_sections_are_checked() -> None:
    assert vague_words("Sam may go to the park with his dad.", section="A") == []
    assert vague_words("Sam may go to the park with his dad.", section="H2") == ["may"]


def test_a_vague_frequency_cell_is_found_in_a_table_row() -> None:
    from ehcp_qa.engine import build_plan

    plan = build_plan({"rows": [{"F": ["Catch-up tuition in a group of six.", "Regularly", "Subject teachers"]}]})
    evidence = [(f.rule, f.evidence) for f in run_checks(plan, RULES) if f.category == "provision-vague"]
    assert evidence == [("PRV004", "Regularly")]
