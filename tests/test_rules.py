"""Every rule's own examples, the meta-tests that keep rules documented and testable, and the generated docs.

Like LanguageTool and sqlfluff: each rule carries `fail:` examples that must fire and `pass:` examples that must
not; a rule without both kinds, or whose examples do not behave, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ehcp_qa.engine import (
    RuleSet,
    example_findings,
    example_plan,
    explain_rules,
    load_rules,
    rules_markdown,
)
from ehcp_qa.errors import RuleError
from ehcp_qa.model import CATEGORIES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
RULES = load_rules()
# A statutory reference in every `why`: the Code of Practice, the Regulations, an Act or a case.
REFERENCE = re.compile(r"CoP \d|Regulations 2014|Act \d{4}|\bv\b [A-Z]|reg \d")

EXAMPLES = [
    pytest.param(rule, kind, example, id=f"{rule.code}-{kind}-{position}")
    for rule in RULES.rules
    for kind, examples in (("fail", rule.examples.fail), ("pass", rule.examples.passing))
    for position, example in enumerate(examples)
]


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RULES


@pytest.mark.parametrize(("rule", "kind", "example"), EXAMPLES)
def test_example(ruleset: RuleSet, rule, kind: str, example) -> None:
    findings = example_findings(ruleset, rule, example)
    if kind == "fail":
        assert findings, f"{rule.code}: a fail example did not fire"
        assert {finding.rule for finding in findings} == {rule.code}
    else:
        assert not findings, f"{rule.code}: a pass example fired: {[f.evidence for f in findings]}"


@pytest.mark.parametrize(("rule", "kind", "example"), EXAMPLES)
def test_evidence_is_the_plans_own_words(ruleset: RuleSet, rule, kind: str, example) -> None:
    plan = example_plan(rule, example)
    blocks = {block.location: block for section in plan.sections for block in section.blocks}
    for finding in example_findings(ruleset, rule, example):
        if finding.evidence:
            assert finding.evidence in blocks[finding.location].text
        else:
            assert finding.location is None  # an absence has nothing to quote


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda rule: rule.code)
def test_every_rule_has_fail_and_pass_examples(rule) -> None:
    assert rule.examples.fail, f"{rule.code} has no fail example"
    assert rule.examples.passing, f"{rule.code} has no pass example"


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda rule: rule.code)
def test_every_rule_says_why_with_a_statutory_reference(rule) -> None:
    assert REFERENCE.search(rule.why), f"{rule.code}: `why` cites no CoP paragraph, regulation, Act or case"
    assert rule.category in CATEGORIES


def test_codes_are_unique_and_prefixed_by_category() -> None:
    codes = [rule.code for rule in RULES.rules]
    assert len(codes) == len(set(codes))
    prefixes = {
        "outcome-specificity": "OUT",
        "medical-term-unexplained": "MED",
        "social-care-missing": "SOC",
        "provision-vague": "PRV",
        "advice-missing": "ADV",
        "pfa-outcomes-missing": "PFA",
        "need-without-provision": "NWP",
        "jargon-unexplained": "JAR",
    }
    for rule in RULES.rules:
        assert rule.code[:3] == prefixes.get(rule.category, "STR"), rule.code


def test_every_contract_category_has_a_rule() -> None:
    assert {rule.category for rule in RULES.rules} == set(CATEGORIES)


def test_docs_are_generated_from_the_rules() -> None:
    expected = rules_markdown(RULES)
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is out of date: regenerate it with `ehcp-qa rules --markdown > docs/rules.md`"
    )


def test_explain_lists_every_rule() -> None:
    listing = explain_rules(RULES)
    for rule in RULES.rules:
        assert rule.code in listing and rule.name in listing


def test_explain_one_rule_gives_why_and_examples() -> None:
    detail = explain_rules(RULES, "prv001")
    rule = RULES.rule("PRV001")
    assert detail.startswith("PRV001: hedged-provision")
    assert rule.why[:40] in " ".join(detail.split())
    assert "Fails" in detail and "Passes" in detail
    assert rule.examples.fail[0] in detail


def test_explain_unknown_code_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="ZZZ999"):
        explain_rules(RULES, "ZZZ999")
