"""Statutory sections present (STR001), not empty (STR003), and documents that are not plans (STR002)."""

from __future__ import annotations

from typing import Any

from ehcp_qa.engine import build_plan, load_rules, run_checks

RULES = load_rules()


def structure(spec: dict[str, Any]) -> list[tuple[str, str | None]]:
    findings = run_checks(build_plan(spec), RULES)
    return [(f.rule, f.section) for f in findings if f.category in ("section-missing", "not-a-plan")]


def test_a_complete_plan_has_no_structure_finding() -> None:
    assert structure({"complete": True}) == []


def test_each_missing_section_is_named() -> None:
    assert structure({"sections": {"G": None, "J": None}, "complete": True}) == [("STR001", "G"), ("STR001", "J")]


def test_an_undivided_h_counts_for_h1_and_h2() -> None:
    assert structure({"sections": {"H": ["None."], "H1": None, "H2": None}, "complete": True}) == []


def test_i_may_be_empty_in_a_draft_but_its_heading_must_be_there() -> None:
    assert structure({"sections": {"I": []}, "complete": True}) == []
    assert structure({"sections": {"I": None}, "complete": True}) == [("STR001", "I")]


def test_an_empty_section_other_than_i_is_reported() -> None:
    assert structure({"sections": {"G": []}, "complete": True}) == [("STR003", "G")]


def test_fewer_than_three_sections_is_not_a_plan_and_nothing_else() -> None:
    assert structure({"sections": {"A": ["Sam likes Lego."], "B": ["Sam finds reading hard."]}}) == [("STR002", None)]
