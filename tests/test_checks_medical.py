"""Medical terms in section C: named without explanation (MED001, glossary) or medical-looking words (MED002).

Most tests use a tiny glossary of their own, so they test the check, not the glossary's current contents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ehcp_qa.engine import RuleSet, load_rules, plan_from_sections, run_checks
from ehcp_qa.model import Plan
from ehcp_qa.paths import RULES_DIR

GLOSSARY = {
    "version": 1,
    "terms": [
        {
            "term": "Epilepsy",
            "aliases": ["epileptic"],
            "abbreviations": [],
            "kind": "condition",
            "plain": "A condition that causes seizures, with a short loss of awareness.",
        },
        {
            "term": "Attention deficit hyperactivity disorder",
            "aliases": [],
            "abbreviations": ["ADHD"],
            "kind": "condition",
            "plain": "A condition that makes it hard to keep attention.",
        },
        {
            "term": "Global developmental delay",
            "aliases": [],
            "abbreviations": ["GDD"],
            "kind": "condition",
            "plain": "A child learns and develops more slowly.",
        },
        {
            "term": "Autism spectrum disorder",
            "aliases": ["autism"],
            "abbreviations": ["ASD"],
            "kind": "condition",
            "plain": "A difference in how a person communicates.",
            "ambiguous": True,
            "context": ["autism", "diagnos"],
        },
        {
            "term": "Cerebral palsy",
            "aliases": [],
            "abbreviations": ["CP"],
            "kind": "condition",
            "plain": "A condition that affects movement; some have hearing loss, found by a hearing test.",
            "ambiguous": True,
            "context": ["palsy", "muscles"],
        },
        {
            "term": "Hearing impairment",
            "aliases": ["hearing loss"],
            "abbreviations": [],
            "kind": "condition",
            "plain": "Hearing loss makes it hard to hear in class; a hearing test measures it.",
        },
        {
            "term": "Audiogram",
            "aliases": ["hearing test"],
            "abbreviations": [],
            "kind": "test",
            "plain": "A hearing test that shows how loud sounds must be; a hearing test is quick.",
        },
        {
            "term": "Sertraline",
            "aliases": [],
            "abbreviations": [],
            "kind": "medication",
            "plain": "A medicine for anxiety and low mood; it is a medicine that can help mood.",
        },
        {
            "term": "Urinary incontinence",
            "aliases": ["incontinence"],
            "abbreviations": [],
            "kind": "condition",
            "plain": "Wetting accidents after the age most children are dry.",
        },
    ],
}


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    folder: Path = tmp_path_factory.mktemp("rules")
    shutil.copy(RULES_DIR / "medical.yaml", folder / "medical.yaml")
    (folder / "medical_glossary.yaml").write_text(yaml.safe_dump(GLOSSARY), encoding="utf-8")
    return load_rules(folder)


def unexplained(ruleset: RuleSet, plan: Plan) -> list[str]:
    return [f.evidence for f in run_checks(plan, ruleset) if f.category == "medical-term-unexplained"]


def health(*paragraphs: str, needs: tuple[str, ...] = ()) -> Plan:
    return plan_from_sections({"B": list(needs), "C": list(paragraphs)})


@pytest.mark.parametrize(
    ("paragraphs", "terms"),
    [
        (["Diagnoses: Epilepsy. Global developmental delay."], ["Epilepsy", "Global developmental delay"]),
        # The other name in brackets is the same term: the evidence covers both.
        (
            ["Sam has ADHD (Attention Deficit Hyperactivity Disorder)."],
            ["ADHD (Attention Deficit Hyperactivity Disorder)"],
        ),
        (
            ["Sam has Attention Deficit Hyperactivity Disorder (ADHD), since 2024."],
            ["Attention Deficit Hyperactivity Disorder (ADHD)"],
        ),
        (["Sam has ADHD (diagnosed in 2022) and GDD (Derby clinic)."], ["GDD"]),
        (["He takes sertraline."], ["sertraline"]),
        (["Sam has epilepsy. He is in Year 4."], ["epilepsy"]),
        (["Sam has GDD.", "Sam has epilepsy, which means he has seizures."], ["GDD"]),
        # A term opening what follows a dash is the next item of a list, not part of an explanation.
        (["Epilepsy – sertraline kept in the office."], ["Epilepsy", "sertraline"]),
    ],
)
def test_unexplained_terms_are_reported_once_as_written(
    ruleset: RuleSet, paragraphs: list[str], terms: list[str]
) -> None:
    assert unexplained(ruleset, health(*paragraphs)) == terms


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["Sam has epilepsy, which means he sometimes has seizures and is tired afterwards."],
        ["Sam has global developmental delay (he learns more slowly than most children of his age)."],
        ["Epilepsy - Sam has short seizures where he stares and does not respond."],
        ["Sam was diagnosed with ADHD in 2022.", "For Sam this means he cannot sit still for more than 5 minutes."],
        ["He sometimes stares and does not respond for a minute. These are called epileptic seizures."],
        ["Sam has no diagnosis of ADHD."],
        ["A hearing test showed a mild hearing loss in his left ear."],
    ],
)
def test_explained_negated_or_everyday_terms_pass(ruleset: RuleSet, paragraphs: list[str]) -> None:
    assert unexplained(ruleset, health(*paragraphs)) == []


def test_a_term_explained_in_section_b_counts(ruleset: RuleSet) -> None:
    needs = ("Amira was diagnosed with autism in 2025. She finds it hard to understand what people say.",)
    assert unexplained(ruleset, health("Dr Patel confirmed her diagnosis of autism.", needs=needs)) == []


def test_an_explanation_of_the_next_term_does_not_explain_this_one(ruleset: RuleSet) -> None:
    plan = health("Sam has GDD.", "He has epilepsy, which means he has seizures.")
    assert unexplained(ruleset, plan) == ["GDD"]


def test_ambiguous_abbreviation_needs_its_context(ruleset: RuleSet) -> None:
    assert unexplained(ruleset, health("There is a CP plan in place.")) == []
    assert unexplained(ruleset, health("Sam has CP, and his muscles are stiff.")) == ["CP"]


def test_misspelt_term_is_found(ruleset: RuleSet) -> None:
    assert unexplained(ruleset, health("Sam has epilespy.")) == ["epilespy"]


def test_a_word_inside_a_term_is_not_a_misspelling_of_it(ruleset: RuleSet) -> None:
    assert unexplained(ruleset, health("His continence is checked by the school nurse.")) == []
    assert unexplained(ruleset, health("Sam has incontinance.")) == ["incontinance"]


def test_the_suggestion_is_the_glossary_plain_text(ruleset: RuleSet) -> None:
    (finding,) = [f for f in run_checks(health("He takes sertraline."), ruleset) if f.rule == "MED001"]
    assert "A medicine for anxiety and low mood" in finding.suggestion
    assert finding.location is not None and finding.section == "C"


def test_fallback_finds_medical_looking_words_outside_the_glossary(ruleset: RuleSet) -> None:
    plan = health("Sam has Pallister-Killian syndrome and had pyelonephritis.")
    assert [(f.rule, f.evidence) for f in run_checks(plan, ruleset) if f.rule == "MED002"] == [
        ("MED002", "Pallister-Killian syndrome"),
        ("MED002", "pyelonephritis"),
    ]


def test_everyday_words_with_medical_endings_are_not_fallback_terms(ruleset: RuleSet) -> None:
    plan = health("The diagnosis was confirmed. Staff show empathy. The Disorder was explained.")
    assert [f for f in run_checks(plan, ruleset) if f.rule == "MED002"] == []


def test_the_real_glossary_loads_and_finds_a_common_term() -> None:
    plan = health("Diagnoses: Epilepsy.")
    assert [f.evidence for f in run_checks(plan, load_rules()) if f.rule == "MED001"] == ["Epilepsy"]


def test_a_statement_in_another_cell_of_the_row_explains_a_term(ruleset: RuleSet) -> None:
    from ehcp_qa.engine import build_plan

    row = {"C": ["Epilepsy", "Sam has short seizures about twice a week and is tired afterwards."]}
    assert unexplained(ruleset, build_plan({"rows": [row]})) == []
    assert unexplained(ruleset, build_plan({"rows": [{"C": ["Epilepsy", "Diagnosed 2021"]}]})) == ["Epilepsy"]


def test_medicine_name_stems_are_fallback_terms(ruleset: RuleSet) -> None:
    plan = health("Sam takes famotidine every evening.")
    assert [f.evidence for f in run_checks(plan, ruleset) if f.rule == "MED002"] == ["famotidine"]


def test_a_bare_abbreviation_takes_its_usual_meaning_unless_context_points_elsewhere() -> None:
    rules = load_rules()

    def meanings(text: str) -> list[str]:
        return [f.suggestion for f in run_checks(health(text), rules) if f.evidence == "ASD"]

    (autism,) = meanings("A letter from 2020 also records ASD.")
    assert "Autism" in autism
    (heart,) = meanings("In 2021 the cardiologist found an ASD.")
    assert "blood" in heart or "heart" in heart
    assert "Autism" not in heart
