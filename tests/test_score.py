"""The scorer: weights, thresholds, caps and reasons from rules/scoring.yaml, and its validation.

Plans and findings here are built by hand (invented text only); `make_plan` and `make_finding` are also used by the
report tests.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ehcp_qa.errors import RuleError
from ehcp_qa.model import (
    SECTION_IDS,
    Block,
    Finding,
    Grade,
    Location,
    Metadata,
    Plan,
    Score,
    Section,
    Severity,
)
from ehcp_qa.score import DEFAULT_SCORING_PATH, load_scoring, parse_scoring, score_plan

QUANTIFIED_F = "Speech and language therapy: 30 minutes weekly, delivered 1:1 by a speech and language therapist."


def make_plan(
    texts: dict[str, list[str]] | None = None,
    *,
    path: str = "plans/sample.docx",
    year_group: int | None = 5,
    omit: tuple[str, ...] = (),
) -> Plan:
    """A plan with every statutory section (less `omit`); each section's blocks are its heading then `texts`.

    Block indexes run through the whole plan in order, as a reader would number them.
    """
    texts = texts or {}
    sections = []
    index = 0
    for section_id in SECTION_IDS:
        if section_id in omit:
            continue
        body = texts.get(section_id, [QUANTIFIED_F if section_id == "F" else f"Invented text for {section_id}."])
        blocks = [Block(f"Section {section_id}", "heading", Location(index))]
        blocks += [Block(text, "paragraph", Location(index + 1 + n)) for n, text in enumerate(body)]
        index += len(blocks)
        sections.append(Section(section_id, f"Section {section_id}", tuple(blocks)))
    return Plan(path=path, kind="docx", metadata=Metadata(year_group=year_group), sections=tuple(sections))


def make_finding(
    rule: str = "PRV001",
    category: str = "provision-vague",
    section: str | None = "F",
    severity: Severity = Severity.WARNING,
    evidence: str = "",
    index: int | None = None,
    message: str = "Provision is not specific",
) -> Finding:
    return Finding(
        rule=rule,
        category=category,
        section=section,
        severity=severity,
        message=message,
        evidence=evidence,
        location=Location(index) if index is not None else None,
        suggestion="Say who, what, how often and for how long.",
    )


@pytest.fixture(scope="module")
def scoring():
    return load_scoring()


def raw_scoring() -> dict:
    return yaml.safe_load(DEFAULT_SCORING_PATH.read_text(encoding="utf-8"))


def section_grades(score) -> dict[str, Grade]:
    return {s.section: s.grade for s in score.sections}


def test_clean_plan_is_outstanding(scoring):
    score = score_plan(make_plan(), [], scoring)
    assert score.grade is Grade.OUTSTANDING
    assert score.score == 100
    assert [s.section for s in score.sections] == list(SECTION_IDS)
    assert score.caps == ()


def test_findings_lower_their_section_and_the_weighted_overall(scoring):
    # Three warnings of one provision-vague rule in F: 3 x 10 x 1.2 = 36 points -> F scores 64.
    findings = [make_finding(evidence=f"word {n}") for n in range(3)]
    score = score_plan(make_plan(), findings, scoring)
    f_score = next(s for s in score.sections if s.section == "F")
    assert f_score.score == pytest.approx(64)
    assert f_score.grade is Grade.REQUIRES_IMPROVEMENT
    assert f_score.reasons == ("PRV001 (x3): provision vague or not quantified (-36)",)
    # Weighted mean: F weighs 3 of a total weight of 15 (from scoring.yaml), every other section scores 100.
    weights = raw_scoring()["section_weights"]
    total = sum(weights[s] for s in SECTION_IDS)
    assert score.score == pytest.approx(round((100 * (total - 3) + 64 * 3) / total, 1))
    assert score.score == pytest.approx(92.8)  # (12 x 100 + 3 x 64) / 15 with the bundled weights
    assert score.grade is Grade.OUTSTANDING


def test_one_rule_takes_at_most_the_per_rule_limit(scoring):
    findings = [make_finding() for _ in range(10)]  # 10 x 12 = 120 points, limited to 40
    score = score_plan(make_plan(), findings, scoring)
    assert next(s for s in score.sections if s.section == "F").score == pytest.approx(60)
    assert section_grades(score)["F"] is Grade.REQUIRES_IMPROVEMENT


def test_missing_section_caps_plan_and_section_at_inadequate(scoring):
    finding = make_finding("SEC001", "section-missing", "D", Severity.ERROR, message="Section D is missing")
    score = score_plan(make_plan(omit=("D",)), [finding], scoring)
    assert score.grade is Grade.INADEQUATE
    assert score.caps == ("a statutory section is missing",)
    assert section_grades(score)["D"] is Grade.INADEQUATE
    assert any(
        r.startswith("SEC001: statutory section missing")
        for r in next(s for s in score.sections if s.section == "D").reasons
    )
    assert "Capped at Inadequate: a statutory section is missing" in score.reasons


def test_unquantified_section_f_caps_the_plan(scoring):
    plan = make_plan({"F": ["Regular support from a key adult as appropriate."]})
    score = score_plan(plan, [], scoring)
    assert score.score == 100  # no finding lowered the score: only the cap lowers the grade
    assert score.grade is Grade.INADEQUATE
    assert score.caps == ("no quantified provision at all in section F",)
    assert section_grades(score)["F"] is Grade.INADEQUATE


def test_not_a_plan_is_inadequate(scoring):
    plan = Plan(path="letter.docx", kind="docx", metadata=Metadata(), sections=())
    finding = make_finding("DOC001", "not-a-plan", None, Severity.ERROR, message="This is not an EHC plan")
    score = score_plan(plan, [finding], scoring)
    assert score.grade is Grade.INADEQUATE
    assert "the document is not an EHC plan" in score.caps
    assert any(r.startswith("DOC001: not an EHC plan") for r in score.reasons)


def test_error_caps_only_its_section_at_good(scoring):
    # A jargon error costs 25 x 0.5 = 12.5, leaving 87.5 (Good by score); raise the weight so the score alone
    # would be Outstanding, and the section cap must still hold it at Good.
    raw = raw_scoring()
    raw["category_weights"]["jargon-unexplained"] = 0.1
    custom = parse_scoring(raw, Path("custom.yaml"))
    finding = make_finding("JAR001", "jargon-unexplained", "C", Severity.ERROR, message="Acronym not explained")
    score = score_plan(make_plan(), [finding], custom)
    c_score = next(s for s in score.sections if s.section == "C")
    assert c_score.score == pytest.approx(97.5)
    assert c_score.grade is Grade.GOOD
    assert "Capped at Good: an error-severity finding in the section" in c_score.reasons
    assert score.grade is Grade.OUTSTANDING  # a section cap does not cap the plan


def test_reasons_never_quote_the_plan(scoring):
    secret = "Zebedee Quixote-Marsh"
    plan = make_plan({"F": [f"{secret} would benefit from regular support."]})
    # Real rule messages quote the matched words: reasons must not carry them on.
    findings = [
        make_finding(evidence=secret, index=12, message=f"'{secret}' is vague"),
        make_finding("OUT002", "outcome-specificity", "E", message=f"{secret} will improve"),
    ]
    score = score_plan(plan, findings, scoring)
    every_reason = list(score.reasons) + [r for s in score.sections for r in s.reasons]
    assert every_reason and all(secret not in reason for reason in every_reason)


def test_whole_plan_findings_lower_the_overall_score(scoring):
    finding = make_finding("ADV001", "advice-missing", None, Severity.WARNING, message="Advice missing")
    score = score_plan(make_plan(), [finding], scoring)
    assert score.score == pytest.approx(90)
    assert "ADV001: advice missing (-10)" in score.reasons


def test_undivided_h_is_graded_in_statutory_order(scoring):
    plan = make_plan(omit=("H1", "H2"))
    plan = Plan(plan.path, plan.kind, plan.metadata, (*plan.sections, Section("H", "Section H", ())))
    order = [s.section for s in score_plan(plan, [], scoring).sections]
    assert order.index("G") < order.index("H") < order.index("I")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda raw: raw["thresholds"].update({"Good": 95}), "thresholds"),
        (lambda raw: raw["thresholds"].pop("Good"), "thresholds.Good"),
        (lambda raw: raw["severity_points"].update({"fatal": 3}), "severity_points.fatal"),
        (lambda raw: raw["severity_points"].update({"info": "three"}), "severity_points.info"),
        (lambda raw: raw["section_weights"].update({"Z": 1}), "section_weights.Z"),
        (lambda raw: raw["category_weights"].update({"vague": 1}), "category_weights.vague"),
        (lambda raw: raw["caps"][0].update({"grade": "Poor"}), "caps[0].grade"),
        (lambda raw: raw["caps"][0]["when"].update({"colour": "red"}), "caps[0].when.colour"),
        (lambda raw: raw["caps"][2]["when"]["section_lacks"].update({"pattern": "(unclosed"}), "caps[2].when"),
        (lambda raw: raw.update({"weights": {}}), "(top level).weights"),
    ],
)
def test_bad_scoring_file_names_file_and_field(tmp_path, change, field):
    raw = copy.deepcopy(raw_scoring())
    change(raw)
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_scoring(path)
    assert str(path) in str(caught.value)
    assert field in str(caught.value)


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "scoring.yaml"
    path.write_text("thresholds: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError, match="not valid YAML"):
        load_scoring(path)


@dataclass(frozen=True)
class Result:
    """Stands in for pipeline.CheckResult (same fields) in the report tests."""

    plan: Plan
    findings: tuple[Finding, ...]
    score: Score


def make_result(plan: Plan, findings: Sequence[Finding] = ()) -> Result:
    return Result(plan, tuple(findings), score_plan(plan, findings, load_scoring()))


def test_every_contract_category_has_a_plain_label() -> None:
    from ehcp_qa.model import CATEGORIES as CONTRACT
    from ehcp_qa.score import CATEGORY_LABELS

    assert set(CATEGORY_LABELS) == set(CONTRACT)
