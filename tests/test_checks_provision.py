"""Provision that does not say how often (PRV006) or who delivers it (PRV007)."""

from __future__ import annotations

from ehcp_qa.engine import build_plan, load_rules, plan_from_sections, run_checks
from ehcp_qa.model import Plan

RULES = load_rules()


def rules_fired(plan: Plan) -> list[tuple[str, str]]:
    return [(f.rule, f.evidence) for f in run_checks(plan, RULES) if f.rule in ("PRV006", "PRV007")]


def test_unquantified_provision_is_reported_with_its_whole_text() -> None:
    text = "Sam will have speech and language therapy from a speech and language therapist."
    assert rules_fired(plan_from_sections({"F": [text]})) == [("PRV006", text)]


def test_a_row_is_one_provision_unit() -> None:
    row = {"F": ["Speech and language therapy.", "30 minutes weekly", "Speech and language therapist"]}
    assert rules_fired(build_plan({"rows": [row]})) == []
    row_without_frequency = {"F": ["Speech and language therapy.", "Speech and language therapist"]}
    assert rules_fired(build_plan({"rows": [row_without_frequency]})) == [("PRV006", "Speech and language therapy.")]


def test_a_lead_in_line_quantifies_the_list_under_it() -> None:
    plan = plan_from_sections({"F": ["Every morning, with his teaching assistant:", "a phonics programme"]})
    assert rules_fired(plan) == []


def test_statements_that_are_not_provision_are_left_alone() -> None:
    plan = plan_from_sections(
        {
            "F": ["All staff will follow Kacper's one-page profile.", "Staff will follow Lily's support plan."],
            "H1": ["None. Sam does not need social care provision."],
        }
    )
    assert rules_fired(plan) == []


def test_missing_provider_is_reported_separately() -> None:
    text = "Sam will have 3 sessions of phonics a week."
    assert rules_fired(plan_from_sections({"F": [text]})) == [("PRV007", text)]


def test_a_hedge_does_not_give_provision_an_amount() -> None:
    # The hedge, no amount at all ("as appropriate" is not how often), and no one named to deliver it.
    plan = plan_from_sections({"F": ["Counselling sessions as appropriate."]})
    found = [f.rule for f in run_checks(plan, RULES) if f.category == "provision-vague"]
    assert found == ["PRV001", "PRV006", "PRV007"]


def test_a_vague_frequency_cell_is_named_and_gives_its_row_no_frequency() -> None:
    # Two faults: the cell's woolly words, and an item that therefore says nowhere how often it happens.
    plan = build_plan(
        {"sections": {"F": []}, "rows": [{"F": ["Counselling sessions.", "As appropriate", "Counsellor"]}]}
    )
    found = [(f.rule, f.evidence) for f in run_checks(plan, RULES) if f.category == "provision-vague"]
    assert found == [("PRV006", "Counselling sessions."), ("PRV001", "As appropriate")]


def test_a_row_with_a_specific_frequency_cell_passes() -> None:
    plan = build_plan(
        {"sections": {"F": []}, "rows": [{"F": ["Counselling sessions.", "Weekly for 45 minutes", "Counsellor"]}]}
    )
    assert [f for f in run_checks(plan, RULES) if f.category == "provision-vague"] == []
