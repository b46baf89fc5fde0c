"""Advice required by reg 6(1) listed in K (ADV001), and preparing-for-adulthood outcomes from Year 9 (PFA001)."""

from __future__ import annotations

from typing import Any

from ehcp_qa.engine import build_plan, load_rules, run_checks

RULES = load_rules()
FULL_K = [
    "Advice from Sam and his parents",
    "Educational advice: Mr Reid, SENCo",
    "Medical advice: Dr Patel, Community Paediatrician",
    "Psychological advice: Ms Ward, Educational Psychologist",
]


def found(spec: dict[str, Any], rule: str) -> list[str]:
    """Messages of `rule` for a plan with every other section present (so it is judged as a plan)."""
    return [f.message for f in run_checks(build_plan({**spec, "complete": True}), RULES) if f.rule == rule]


def test_all_required_advice_listed() -> None:
    assert found({"sections": {"K": FULL_K}}, "ADV001") == []


def test_advice_requested_but_not_received_does_not_count() -> None:
    k = [*FULL_K[:3], "Psychological advice: requested on 15 April 2025; not received at the time of writing"]
    (message,) = found({"sections": {"K": k}}, "ADV001")
    assert "psychological" in message


def test_a_clinical_psychologist_is_not_an_educational_psychologist() -> None:
    k = [*FULL_K[:3], "Health advice: Dr Farouk, Clinical Psychologist"]
    assert len(found({"sections": {"K": k}}, "ADV001")) == 1


def test_preparing_for_adulthood_advice_is_required_from_year_9() -> None:
    assert found({"sections": {"K": FULL_K}, "metadata": {"year_group": 8}}, "ADV001") == []
    (message,) = found({"sections": {"K": FULL_K}, "metadata": {"year_group": 9}}, "ADV001")
    assert "preparing for adulthood" in message


def test_pfa_outcomes_from_year_9_or_age_14() -> None:
    outcomes = {"E": ["By July 2026, Kacper will hand in 8 out of 10 homework tasks."]}
    assert found({"sections": outcomes, "metadata": {"year_group": 8}}, "PFA001") == []
    assert len(found({"sections": outcomes, "metadata": {"year_group": 9}}, "PFA001")) == 1
    assert len(found({"sections": outcomes, "metadata": {"age": 14}}, "PFA001")) == 1
    assert found({"sections": outcomes}, "PFA001") == []  # year and age unknown: nothing is said


def test_an_outcome_in_any_pfa_area_passes() -> None:
    outcomes = {"E": ["By July 2027, Jayden will travel by bus to college on his own, three days a week."]}
    assert found({"sections": outcomes, "metadata": {"year_group": 11}}, "PFA001") == []
