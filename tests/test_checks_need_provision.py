"""Needs in B with nothing in F that meets them (NWP001), and provision that answers no need (NWP002)."""

from __future__ import annotations

from ehcp_qa.engine import load_rules, plan_from_sections, run_checks

RULES = load_rules()


def unmet(needs: list[str], provision: list[str]) -> list[tuple[str, str]]:
    plan = plan_from_sections({"B": needs, "F": provision})
    return [(f.rule, f.evidence) for f in run_checks(plan, RULES) if f.category == "need-without-provision"]


def test_a_need_with_no_matching_provision_is_quoted() -> None:
    need = "Lily's fine motor skills are weak: she cannot yet do up buttons."
    assert unmet([need], ["A Numicon maths programme, 30 minutes a day."]) == [
        ("NWP001", need),
        ("NWP002", "A Numicon maths programme, 30 minutes a day."),
    ]


def test_a_need_met_by_provision_on_the_same_topic_passes() -> None:
    need = "Lily's fine motor skills are weak: she cannot yet do up buttons."
    assert unmet([need], ["A fine motor programme from the occupational therapist, 15 minutes a day."]) == []


def test_strengths_and_diagnosis_summaries_are_not_unmet_needs() -> None:
    needs = [
        "Sam's spoken vocabulary and reasoning are in the average range.",
        "Lily has moderate learning difficulties and her working memory is weak.",
    ]
    assert [rule for rule, _ in unmet(needs, ["Daily reading with a teaching assistant, 20 minutes."])] == ["NWP002"]
