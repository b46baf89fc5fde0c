"""The rule engine: loading and validating rule files, the council's configuration, and running rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ehcp_qa.config import Config
from ehcp_qa.engine import build_plan, load_rules, plan_from_sections, run_checks
from ehcp_qa.errors import RuleError
from ehcp_qa.model import SECTION_IDS, Severity
from ehcp_qa.paths import RULES_DIR


def lexicon_rule(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "code": "TST001",
        "name": "test-rule",
        "category": "provision-vague",
        "sections": ["F"],
        "severity": "warning",
        "type": "lexicon",
        "message": "'{words}' is vague.",
        "why": "Provision must be specified (CoP 9.69).",
        "fix": "Remove '{words}'.",
        "params": {"phrases": ["as appropriate"]},
        "examples": {"fail": ["Therapy as appropriate."], "pass": ["Therapy weekly."]},
    }
    rule.update(changes)
    return {key: value for key, value in rule.items() if value is not None}


def write_rules(folder: Path, *rules: dict[str, Any], name: str = "test.yaml") -> Path:
    (folder / name).write_text(yaml.safe_dump({"version": 1, "rules": list(rules)}), encoding="utf-8")
    return folder


def test_a_valid_rule_file_loads_into_frozen_rules(tmp_path: Path) -> None:
    ruleset = load_rules(write_rules(tmp_path, lexicon_rule()))
    (rule,) = ruleset.rules
    assert (rule.code, rule.category, rule.sections, rule.severity) == (
        "TST001",
        "provision-vague",
        ("F",),
        Severity.WARNING,
    )
    assert rule.params["phrases"] == ("as appropriate",)
    assert rule.examples.fail == ("Therapy as appropriate.",)
    with pytest.raises(AttributeError):
        rule.code = "TST002"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "woolly"}, "category"),
        ({"severity": "fatal"}, "severity"),
        ({"type": "telepathy"}, "type"),
        ({"sections": ["Z"]}, "sections"),
        ({"name": "Not A Slug"}, "name"),
        ({"why": None}, "why"),
        ({"colour": "red"}, "colour"),
        ({"params": {"phrases": "as appropriate"}}, "params.phrases"),
        ({"params": {"phrases": ["as appropriate"], "phrazes": ["x"]}}, "params.phrazes"),
        ({"params": {}}, "params.phrases"),
        ({"message": "'{wordz}' is vague."}, "message"),
        ({"examples": {"fail": [42], "pass": []}}, "examples.fail[0]"),
        ({"examples": {"fail": [{"sections": {"Q": "x"}}], "pass": []}}, "examples.fail[0]"),
        ({"aliases": ["lower1"]}, "aliases"),
        ({"supersedes": ["NOP001"]}, "supersedes"),
    ],
)
def test_invalid_rule_names_file_code_and_field(tmp_path: Path, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(RuleError) as error:
        load_rules(write_rules(tmp_path, lexicon_rule(**changes)))
    message = str(error.value)
    assert message.startswith("test.yaml: rule TST001: ")
    assert f" {field}:" in message


def test_a_bad_code_is_named_by_position(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"test\.yaml: rules\[0\]\.code"):
        load_rules(write_rules(tmp_path, lexicon_rule(code="tst1")))


def test_codes_and_aliases_are_unique_across_files(tmp_path: Path) -> None:
    write_rules(tmp_path, lexicon_rule(), name="a.yaml")
    write_rules(tmp_path, lexicon_rule(code="TST002", aliases=["TST001"]), name="b.yaml")
    with pytest.raises(RuleError, match=r"TST001 is also used in a\.yaml"):
        load_rules(tmp_path)


def test_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("version: 1\nrules: [\n  - {code: ]\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"broken\.yaml: cannot be read as YAML at line \d"):
        load_rules(tmp_path)


def test_a_yaml_file_that_is_neither_rules_nor_data_is_an_error(tmp_path: Path) -> None:
    write_rules(tmp_path, lexicon_rule())
    (tmp_path / "stray.yaml").write_text("rule:\n  - code: TST009\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"stray\.yaml: rules:"):
        load_rules(tmp_path)


def test_data_files_named_by_rules_are_not_rule_files() -> None:
    ruleset = load_rules()
    assert {rule.source for rule in ruleset.rules} >= {"medical.yaml", "provision.yaml", "outcomes.yaml"}
    assert not {"medical_glossary.yaml", "sections.yaml", "scoring.yaml"} & {rule.source for rule in ruleset.rules}
    assert ruleset.directory == RULES_DIR


def test_missing_rules_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rules folder not found"):
        load_rules(tmp_path / "nowhere")


def test_config_disables_rules_and_changes_severity_by_code_or_alias(tmp_path: Path) -> None:
    write_rules(tmp_path, lexicon_rule(aliases=["OLD001"]), lexicon_rule(code="TST002"))
    config = Config(disable=("OLD001",), severity={"TST002": Severity.ERROR})
    ruleset = load_rules(tmp_path, config)
    assert [rule.code for rule in ruleset.rules] == ["TST002"]
    assert ruleset.rules[0].severity is Severity.ERROR
    assert ruleset.disabled == ("TST001",)


@pytest.mark.parametrize("config", [Config(disable=("XYZ123",)), Config(severity={"XYZ123": Severity.INFO})])
def test_config_with_an_unknown_code_is_an_error(tmp_path: Path, config: Config) -> None:
    with pytest.raises(RuleError, match="no rule has the code XYZ123"):
        load_rules(write_rules(tmp_path, lexicon_rule()), config)


def test_findings_are_ordered_by_section_then_block_then_rule() -> None:
    plan = build_plan(
        {
            "sections": {
                "F": ["Speech therapy as appropriate.", "OT may be offered."],
                "E": ["Sam will be happy."],
                "A": ["Sam likes football."],
            },
            "complete": True,
        }
    )
    findings = run_checks(plan, load_rules())
    order = {sid: i for i, sid in enumerate(SECTION_IDS)}
    keys = [(order[f.section], f.location.index if f.location else -1, f.rule) for f in findings if f.section]
    assert keys == sorted(keys)
    assert next(f.section for f in findings if f.section in ("E", "F")) == "E"


def test_a_finding_carries_everything_the_report_needs() -> None:
    plan = plan_from_sections({"F": ["Speech and language therapy as appropriate."]})
    ruleset = load_rules()
    (finding,) = [f for f in run_checks(plan, ruleset) if f.rule == "PRV001"]
    assert finding.category == "provision-vague" and finding.section == "F"
    assert finding.evidence == "as appropriate"
    assert finding.location == plan.section("F").blocks[0].location
    assert "'as appropriate'" in finding.message and "{" not in finding.message
    assert finding.suggestion and "{" not in finding.suggestion
    assert finding.severity is ruleset.rule("PRV001").severity


def test_provision_written_as_outcome_supersedes_the_other_outcome_findings() -> None:
    plan = plan_from_sections({"E": ["Chloe will receive travel training."]})
    rules = {f.rule for f in run_checks(plan, load_rules()) if f.category == "outcome-specificity"}
    assert rules == {"OUT001"}  # not also "no timeframe" and "not measurable" for the same words


def test_superseded_rule_comes_back_when_the_superseding_rule_is_disabled() -> None:
    plan = plan_from_sections({"E": ["Chloe will receive travel training."]})
    ruleset = load_rules(config=Config(disable=("OUT001",)))
    assert {"OUT003", "OUT004"} <= {f.rule for f in run_checks(plan, ruleset)}


def test_a_document_that_is_not_a_plan_gets_one_finding_not_a_pile() -> None:
    plan = plan_from_sections({"B": ["Sam has dyslexia and finds reading hard."]})
    findings = run_checks(plan, load_rules())
    assert [f.category for f in findings if not f.evidence] == ["not-a-plan"]
    assert not any(f.category == "section-missing" for f in findings)


def test_a_complete_good_plan_section_gets_no_finding_in_its_category() -> None:
    plan = build_plan(
        {
            "sections": {
                "E": ["By July 2026, Sam will read aloud a short passage with at least 95% of words correct."],
                "F": ["A phonics programme delivered one-to-one by a trained teaching assistant, 20 minutes a day."],
            },
            "complete": True,
        }
    )
    categories = {f.category for f in run_checks(plan, load_rules())}
    assert not categories & {"outcome-specificity", "provision-vague", "section-missing", "not-a-plan"}


def test_rows_build_a_combined_table() -> None:
    plan = build_plan({"rows": [{"E": "An outcome.", "F": ["Provision.", "Weekly", "TA"]}]})
    outcome = plan.section("E").blocks[0]
    cells = plan.section("F").blocks
    assert outcome.location.table == 0 and outcome.location.row == 1 and outcome.location.cell == 0
    assert [(c.location.row, c.location.cell) for c in cells] == [(1, 1), (1, 2), (1, 3)]
