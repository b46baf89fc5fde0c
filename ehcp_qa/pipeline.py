"""read -> segment -> check -> score, for one file. The CLI and the audit both call this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ehcp_qa.engine import RuleSet, load_rules, run_checks
from ehcp_qa.model import Finding, Plan, Score
from ehcp_qa.read import read_document
from ehcp_qa.score import Scoring, load_scoring, score_plan
from ehcp_qa.segment import segment


@dataclass(frozen=True)
class CheckResult:
    plan: Plan
    findings: tuple[Finding, ...]
    score: Score


def read_plan(path: str | Path) -> Plan:
    return segment(read_document(path))


def check_plan(plan: Plan, ruleset: RuleSet, scoring: Scoring) -> CheckResult:
    findings = run_checks(plan, ruleset)
    return CheckResult(plan=plan, findings=findings, score=score_plan(plan, findings, scoring))


def check_file(
    path: str | Path, ruleset: RuleSet | None = None, scoring: Scoring | None = None
) -> CheckResult:
    return check_plan(read_plan(path), ruleset or load_rules(), scoring or load_scoring())
