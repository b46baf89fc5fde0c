"""Outcomes in section E: provision as outcome, vague wording, nothing measurable, no timeframe, aspirations."""

from __future__ import annotations

import pytest

from ehcp_qa.engine import build_plan, load_rules, plan_from_sections, run_checks
from ehcp_qa.model import Plan

RULES = load_rules()


def outcome_rules(plan: Plan) -> list[str]:
    return [f.rule for f in run_checks(plan, RULES) if f.category == "outcome-specificity"]


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("By July 2026, Chloe will receive travel training.", ["OUT001"]),
        ("Jayden will have opportunities to socialise with his friends.", ["OUT001"]),
        ("By July 2026, Amira will improve her communication skills.", ["OUT002"]),
        ("By July 2026, Chloe will be able to communicate effectively.", ["OUT002"]),
        ("By July 2026, Sam will read books for pleasure.", ["OUT003"]),
        ("Sam will read aloud a passage with at least 95% of words correct.", ["OUT004"]),
        ("Jayden would like to work in sport when he grows up.", ["OUT005"]),
        ("Amira will be happy.", ["OUT002", "OUT004"]),
    ],
)
def test_each_fault_is_found_once(text: str, rules: list[str]) -> None:
    assert sorted(outcome_rules(plan_from_sections({"E": [text]}))) == rules


@pytest.mark.parametrize(
    "text",
    [
        "By July 2026, Sam will read aloud a short passage with at least 95% of words correct.",
        "By Easter 2026, Sam will follow a three-step instruction without reminders on 4 out of 5 occasions.",
        "By Easter 2026, Sam will improve his reading accuracy from 60% to 90% of words.",
        "By July 2027, Jayden, who wants to work in sport, will complete a one-week work placement.",
    ],
)
def test_smart_outcomes_pass(text: str) -> None:
    assert outcome_rules(plan_from_sections({"E": [text]})) == []


def test_the_evidence_is_the_outcome_text() -> None:
    text = "Kacper will develop his social communication skills."
    (finding,) = [f for f in run_checks(plan_from_sections({"E": [text]}), RULES) if f.rule == "OUT002"]
    assert finding.evidence == text
    assert "develop" in finding.message


def test_a_section_line_gives_every_outcome_its_timeframe_and_is_not_itself_an_outcome() -> None:
    plan = plan_from_sections(
        {
            "E": [
                "These outcomes are for the end of Year 6 (July 2026) unless stated.",
                "Communication and interaction",
                "Sam will read aloud a short passage with at least 95% of words correct.",
            ]
        }
    )
    assert outcome_rules(plan) == []


def test_numbers_that_are_years_or_school_years_do_not_make_an_outcome_measurable() -> None:
    plan = plan_from_sections({"E": ["By the end of Year 6 in July 2026, Lily will enjoy reading."]})
    assert outcome_rules(plan) == ["OUT002"]


def test_combined_table_outcomes_are_checked_without_the_provision_cells() -> None:
    plan = build_plan(
        {"rows": [{"E": "Amira will improve her communication skills.", "F": ["Speech therapy", "3 x 20 minutes"]}]}
    )
    assert "OUT002" in outcome_rules(plan)


def test_a_leading_label_is_read_past_and_an_aspiration_label_is_not_an_outcome() -> None:
    plan = plan_from_sections(
        {
            "E": [
                "Aspiration: to play for a football team one day.",
                "Outcome 2: By July 2026, Sam will understand his feelings.",
            ]
        }
    )
    findings = [f for f in run_checks(plan, RULES) if f.category == "outcome-specificity"]
    assert [(f.rule, f.evidence) for f in findings] == [
        ("OUT002", "Outcome 2: By July 2026, Sam will understand his feelings.")
    ]
