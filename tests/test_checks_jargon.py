"""Abbreviations never spelled out (JAR001)."""

from __future__ import annotations

from typing import Any

from ehcp_qa.engine import build_plan, load_rules, run_checks

RULES = load_rules()


def jargon(sections: dict[str, Any]) -> list[tuple[str, str]]:
    plan = build_plan({"sections": sections})
    return [(f.section, f.evidence) for f in run_checks(plan, RULES) if f.rule == "JAR001"]


def test_first_use_of_each_unexplained_abbreviation_is_reported() -> None:
    found = jargon({"F": ["SALT input, weekly.", "The SALT will train the TA.", "TAs will deliver it."]})
    assert found == [("F", "SALT"), ("F", "TA")]


def test_spelled_out_abbreviations_pass_wherever_they_are_spelled_out() -> None:
    sections = {
        "A": ["Sam will see the speech and language therapist (SALT)."],
        "F": [
            "SALT input weekly.",
            "CAMHS (Child and Adolescent Mental Health Services) will see him.",
            "OT - occupational therapy, 6 sessions.",
        ],
        "G": ["CAMHS will review him.", "OT as above."],
    }
    assert jargon(sections) == []


def test_a_role_in_brackets_is_not_a_definition() -> None:
    assert jargon({"F": ["Mrs Brown (SENCo) will meet Kacper weekly."]}) == [("F", "SENCo")]


def test_known_abbreviations_and_capitalised_headings_pass() -> None:
    assert jargon({"F": ["PE with his class; his GP and the NHS.", "SECTION F - SPECIAL EDUCATIONAL PROVISION"]}) == []


def test_medical_abbreviations_in_c_are_left_to_the_medical_rule() -> None:
    assert jargon({"C": ["Lily has FASD."]}) == []
    assert jargon({"B": ["Amira has GDD and needs support in all areas."]}) == [("B", "GDD")]


def test_a_cell_holding_only_an_abbreviation_is_checked() -> None:
    assert jargon({"F": ["TA"]}) == [("F", "TA")]
