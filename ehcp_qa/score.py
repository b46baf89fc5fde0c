"""Findings -> a score and a grade per section and for the plan, on the four-point scale councils use.

The numbers (points per severity, category and section weights, grade thresholds, caps) live in
rules/scoring.yaml so a council can match its own audit tool. Every grade carries its reasons: the rule codes and
kinds of the findings that lowered it and the caps that limited it. Reasons never quote a finding's message:
messages can hold the plan's words (a diagnosis, a name), and reasons travel into summaries and dashboards.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ehcp_qa.errors import RuleError
from ehcp_qa.model import Finding, Grade, Plan, Score, SectionScore, Severity
from ehcp_qa.paths import RULES_DIR

DEFAULT_SCORING_PATH = RULES_DIR / "scoring.yaml"

# Best first: a grade's rank is its position here.
GRADE_ORDER: tuple[Grade, ...] = (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)
# Statutory order with the undivided H in H1's place, so sections always list in the order a reader expects.
_SECTION_ORDER: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G", "H", "H1", "H2", "I", "J", "K")
_FINDING_KEYS = ("category", "rule", "section", "severity")
# The finding categories of the JSON contract (architecture.md), in the order reports list them, with the plain
# words reasons and summaries use for them.
CATEGORY_LABELS: dict[str, str] = {
    "section-missing": "statutory section missing",
    "not-a-plan": "not an EHC plan",
    "outcome-specificity": "outcome not specific or measurable",
    "pfa-outcomes-missing": "preparing-for-adulthood outcomes missing",
    "provision-vague": "provision vague or not quantified",
    "need-without-provision": "need without provision",
    "medical-term-unexplained": "medical term not explained",
    "social-care-missing": "social care needs not evidenced",
    "advice-missing": "advice missing",
    "jargon-unexplained": "jargon or acronym not explained",
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_LABELS)

CapScope = Literal["plan", "section"]


@dataclass(frozen=True)
class Cap:
    """A ceiling on a grade when a condition holds.

    The condition is either finding-based (every key given in `match` equals the finding's field) or text-based
    (`lacks_section` has no match for `lacks_pattern`, or is absent).
    """

    name: str
    grade: Grade
    applies_to: CapScope
    match: tuple[tuple[str, str], ...] = ()
    lacks_section: str | None = None
    lacks_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Scoring:
    source: Path
    severity_points: Mapping[Severity, float]
    category_weights: Mapping[str, float]
    section_weights: Mapping[str, float]
    per_rule_limit: float
    thresholds: tuple[tuple[Grade, float], ...]  # (grade, lowest score), best grade first
    caps: tuple[Cap, ...]


def worse(first: Grade, second: Grade) -> Grade:
    return first if GRADE_ORDER.index(first) >= GRADE_ORDER.index(second) else second


def grade_for(score: float, scoring: Scoring) -> Grade:
    for grade, lowest in scoring.thresholds:
        if score >= lowest:
            return grade
    return Grade.INADEQUATE


# ---------------------------------------------------------------------------------------------- loading


def load_scoring(path: Path | None = None) -> Scoring:
    """Read and validate scoring.yaml; a RuleError names the file and the field that is wrong."""
    source = path or DEFAULT_SCORING_PATH
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuleError(f"{source}: cannot read the scoring file ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RuleError(f"{source}: not valid YAML{where}") from None
    return parse_scoring(raw, source)


def parse_scoring(raw: object, source: Path) -> Scoring:
    fields = _require_mapping(raw, source, "(top level)")
    allowed = {
        "version",
        "severity_points",
        "category_weights",
        "per_rule_limit",
        "section_weights",
        "thresholds",
        "caps",
    }
    _reject_unknown(fields, allowed, source, "(top level)")
    points = _number_map(fields.get("severity_points"), source, "severity_points")
    unknown_severities = set(points) - {str(s) for s in Severity}
    if unknown_severities:
        raise RuleError(f"{source}: severity_points.{sorted(unknown_severities)[0]}: not a severity")
    missing_severities = {str(s) for s in Severity} - set(points)
    if missing_severities:
        raise RuleError(f"{source}: severity_points.{sorted(missing_severities)[0]}: missing")
    category_weights = _number_map(fields.get("category_weights", {}), source, "category_weights")
    for category in category_weights:
        if category not in CATEGORIES:
            raise RuleError(f"{source}: category_weights.{category}: not a finding category")
    section_weights = _number_map(fields.get("section_weights", {}), source, "section_weights")
    for section_id in section_weights:
        if section_id not in _SECTION_ORDER:
            raise RuleError(f"{source}: section_weights.{section_id}: not a section id")
    return Scoring(
        source=source,
        severity_points={Severity(name): value for name, value in points.items()},
        category_weights=category_weights,
        section_weights=section_weights,
        per_rule_limit=_number(fields.get("per_rule_limit", 100), source, "per_rule_limit"),
        thresholds=_parse_thresholds(fields.get("thresholds"), source),
        caps=tuple(_parse_cap(item, source, f"caps[{n}]") for n, item in enumerate(fields.get("caps") or [])),
    )


def _parse_thresholds(raw: object, source: Path) -> tuple[tuple[Grade, float], ...]:
    values = _number_map(raw, source, "thresholds")
    graded = [grade for grade in GRADE_ORDER if grade is not Grade.INADEQUATE]
    for name in values:
        if name not in graded:
            raise RuleError(f"{source}: thresholds.{name}: must be one of {', '.join(graded)}")
    for grade in graded:
        if grade not in values:
            raise RuleError(f"{source}: thresholds.{grade}: missing")
        if not 0 <= values[grade] <= 100:
            raise RuleError(f"{source}: thresholds.{grade}: must be between 0 and 100")
    lowest = [values[grade] for grade in graded]
    if lowest != sorted(lowest, reverse=True) or len(set(lowest)) != len(lowest):
        raise RuleError(f"{source}: thresholds: each grade needs a higher score than the grade below it")
    return tuple((grade, values[grade]) for grade in graded)


def _parse_cap(raw: object, source: Path, where: str) -> Cap:
    fields = _require_mapping(raw, source, where)
    _reject_unknown(fields, {"name", "when", "grade", "applies_to"}, source, where)
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RuleError(f"{source}: {where}.name: must be a non-empty text")
    grade_text = fields.get("grade")
    if grade_text not in {str(g) for g in Grade}:
        raise RuleError(f"{source}: {where}.grade: must be one of {', '.join(GRADE_ORDER)}")
    applies_to = fields.get("applies_to", "plan")
    if applies_to not in ("plan", "section"):
        raise RuleError(f"{source}: {where}.applies_to: must be plan or section")
    when = _require_mapping(fields.get("when"), source, f"{where}.when")
    if "section_lacks" in when:
        _reject_unknown(when, {"section_lacks"}, source, f"{where}.when")
        lacks = _require_mapping(when["section_lacks"], source, f"{where}.when.section_lacks")
        _reject_unknown(lacks, {"section", "pattern"}, source, f"{where}.when.section_lacks")
        section_id = lacks.get("section")
        if section_id not in _SECTION_ORDER:
            raise RuleError(f"{source}: {where}.when.section_lacks.section: not a section id")
        try:
            pattern = re.compile(str(lacks.get("pattern", "")))
        except re.error as error:
            raise RuleError(f"{source}: {where}.when.section_lacks.pattern: bad pattern ({error})") from None
        return Cap(name.strip(), Grade(grade_text), applies_to, lacks_section=section_id, lacks_pattern=pattern)
    _reject_unknown(when, set(_FINDING_KEYS), source, f"{where}.when")
    if not when:
        raise RuleError(f"{source}: {where}.when: needs at least one of {', '.join(_FINDING_KEYS)}")
    if "severity" in when and when["severity"] not in {str(s) for s in Severity}:
        raise RuleError(f"{source}: {where}.when.severity: not a severity")
    match = tuple(sorted((key, str(value)) for key, value in when.items()))
    return Cap(name.strip(), Grade(grade_text), applies_to, match=match)


def _require_mapping(raw: object, source: Path, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RuleError(f"{source}: {where}: must be a mapping")
    return {str(key): value for key, value in raw.items()}


def _reject_unknown(fields: Mapping[str, object], allowed: set[str], source: Path, where: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise RuleError(f"{source}: {where}.{unknown[0]}: unknown field")


def _number(raw: object, source: Path, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
        raise RuleError(f"{source}: {where}: must be a number, 0 or more")
    return float(raw)


def _number_map(raw: object, source: Path, where: str) -> dict[str, float]:
    fields = _require_mapping(raw, source, where)
    return {key: _number(value, source, f"{where}.{key}") for key, value in fields.items()}


# ---------------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class _Deduction:
    rule: str
    label: str
    count: int
    points: float


def score_plan(plan: Plan, findings: Sequence[Finding], scoring: Scoring) -> Score:
    """Grade each section and the plan from the findings, applying scoring.yaml's weights and caps."""
    by_section: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_section[finding.section].append(finding)
    triggered = [(cap, _cap_sections(cap, plan, findings)) for cap in scoring.caps if _cap_holds(cap, plan, findings)]

    section_scores = tuple(
        _score_section(section_id, by_section.get(section_id, []), triggered, scoring)
        for section_id in _graded_sections(plan, findings)
    )
    whole_plan = _deductions(by_section.get(None, []), scoring)
    weights = [scoring.section_weights.get(s.section, 1.0) for s in section_scores]
    mean = (
        sum(w * s.score for w, s in zip(weights, section_scores, strict=True)) / sum(weights) if sum(weights) else 100
    )
    overall = _clamp(mean - sum(d.points for d in whole_plan))

    grade = grade_for(overall, scoring)
    cap_reasons: list[str] = []
    lowered: list[str] = []
    for cap, _sections in triggered:
        if cap.applies_to != "plan":
            continue
        cap_reasons.append(f"Capped at {cap.grade}: {cap.name}")
        if GRADE_ORDER.index(cap.grade) > GRADE_ORDER.index(grade):
            lowered.append(cap.name)
        grade = worse(grade, cap.grade)
    weak = [s for s in section_scores if GRADE_ORDER.index(s.grade) >= GRADE_ORDER.index(Grade.REQUIRES_IMPROVEMENT)]
    reasons = [
        *cap_reasons,
        f"Weighted average of {len(section_scores)} section scores: {mean:.0f}",
        *(_deduction_reason(d) for d in whole_plan),
        *(f"Section {s.section} graded {s.grade} ({s.score:g})" for s in weak),
    ]
    return Score(
        score=round(overall, 1), grade=grade, sections=section_scores, reasons=tuple(reasons), caps=tuple(lowered)
    )


def _graded_sections(plan: Plan, findings: Sequence[Finding]) -> list[str]:
    """Sections the plan has or a finding is about, in statutory order."""
    present = set(plan.section_ids) | {f.section for f in findings if f.section}
    return [section_id for section_id in _SECTION_ORDER if section_id in present]


def _score_section(
    section_id: str, findings: Sequence[Finding], triggered: Sequence[tuple[Cap, set[str]]], scoring: Scoring
) -> SectionScore:
    deductions = _deductions(findings, scoring)
    score = _clamp(100 - sum(d.points for d in deductions))
    grade = grade_for(score, scoring)
    cap_reasons = []
    for cap, sections in triggered:
        if section_id in sections:
            cap_reasons.append(f"Capped at {cap.grade}: {cap.name}")
            grade = worse(grade, cap.grade)
    reasons = (*cap_reasons, *(_deduction_reason(d) for d in deductions))
    return SectionScore(section=section_id, score=round(score, 1), grade=grade, reasons=reasons)


def _deductions(findings: Sequence[Finding], scoring: Scoring) -> list[_Deduction]:
    """Points lost per rule, largest first; one rule loses at most per_rule_limit points."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    deductions = [
        _Deduction(
            rule=rule,
            label=CATEGORY_LABELS.get(group[0].category, group[0].category),
            count=len(group),
            points=min(scoring.per_rule_limit, sum(_points(f, scoring) for f in group)),
        )
        for rule, group in by_rule.items()
    ]
    return sorted(deductions, key=lambda d: (-d.points, d.rule))


def _points(finding: Finding, scoring: Scoring) -> float:
    return scoring.severity_points[finding.severity] * scoring.category_weights.get(finding.category, 1.0)


def _deduction_reason(deduction: _Deduction) -> str:
    times = f" (x{deduction.count})" if deduction.count > 1 else ""
    return f"{deduction.rule}{times}: {deduction.label} (-{deduction.points:g})"


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def _cap_holds(cap: Cap, plan: Plan, findings: Sequence[Finding]) -> bool:
    if cap.lacks_section is not None and cap.lacks_pattern is not None:
        section = plan.section(cap.lacks_section)
        return section is None or cap.lacks_pattern.search(section.text) is None
    return any(_cap_matches(cap, finding) for finding in findings)


def _cap_matches(cap: Cap, finding: Finding) -> bool:
    values = {
        "category": finding.category,
        "rule": finding.rule,
        "section": finding.section or "",
        "severity": str(finding.severity),
    }
    return all(values[key] == wanted for key, wanted in cap.match)


def _cap_sections(cap: Cap, plan: Plan, findings: Sequence[Finding]) -> set[str]:
    """The sections a triggered cap is about (the ones whose grade it also caps)."""
    if cap.lacks_section is not None:
        return {cap.lacks_section}
    return {f.section for f in findings if f.section and _cap_matches(cap, f)}
