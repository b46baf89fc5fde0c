"""read -> segment -> check -> score, for one file. The CLI and the audit both call this."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ehcp_qa.model import Finding, Plan, Score
from ehcp_qa.read import read_document
from ehcp_qa.segment import segment

if TYPE_CHECKING:
    from ehcp_qa.engine import RuleSet
    from ehcp_qa.score import Scoring


@dataclass(frozen=True)
class CheckResult:
    plan: Plan
    findings: tuple[Finding, ...]
    score: Score


def read_plan(path: str | Path) -> Plan:
    return segment(read_document(path))


# The engine and scorer are imported when first used: they load spaCy (about 2 s), and a file that cannot be
# read should be reported at once.
def check_plan(plan: Plan, ruleset: RuleSet, scoring: Scoring) -> CheckResult:
    from ehcp_qa.engine import run_checks
    from ehcp_qa.score import score_plan

    findings = run_checks(plan, ruleset)
    return CheckResult(plan=plan, findings=findings, score=score_plan(plan, findings, scoring))


@cache
def bundled_rules_and_scoring() -> tuple[RuleSet, Scoring]:
    """The bundled rules and scoring, loaded once per process (loading them takes longer than checking a plan)."""
    from ehcp_qa.engine import load_rules
    from ehcp_qa.score import load_scoring

    return load_rules(), load_scoring()


def check_file(path: str | Path, ruleset: RuleSet | None = None, scoring: Scoring | None = None) -> CheckResult:
    """Check one file; the bundled rules and scoring stand in for any not given."""
    plan = read_plan(path)
    if ruleset is None or scoring is None:
        bundled_rules, bundled_scoring = bundled_rules_and_scoring()
        ruleset, scoring = ruleset or bundled_rules, scoring or bundled_scoring
    return check_plan(plan, ruleset, scoring)
