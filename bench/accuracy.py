"""Precision and recall of ehcp-qa's findings, per category, against labelled plans.

Each plan (.docx or .pdf) has a sidecar `<plan>.json` with its labels:
  expected_findings  [{category, section, evidence}]: faults a careful reviewer would report
  plan_expect        [{category, section, about}] or [category]: faults about the plan as a whole (no words to
                     quote); an entry without a section matches a finding of its category in any section
  must_not_flag      [{category, section, text}]: text that is fine in that category
A finding is correct when an expected finding has its category and section and the two evidences overlap (one
contains the other, ignoring case and spacing), or when a plan_expect entry has its category and section. Every
other finding is wrong, whether or not its text is in must_not_flag (labels are meant to be complete); wrong
findings inside must_not_flag text are also counted on their own.

    python bench/accuracy.py                      # every labelled plan in fixtures/plans
    python bench/accuracy.py DIR_OR_FILE ...      # other plans (a held-out set)
    python bench/accuracy.py --details            # also list each wrong and missed finding (synthetic plans only:
                                                  # it prints their text)
    python bench/accuracy.py --min 0.9            # exit 1 if a headline category falls below 0.9
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ehcp_qa.engine import RuleSet, load_rules
from ehcp_qa.model import CATEGORIES, Finding
from ehcp_qa.pipeline import check_file

FIXTURE_PLANS = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
HEADLINE = ("outcome-specificity", "medical-term-unexplained", "social-care-missing", "provision-vague")
PLAN_SUFFIXES = (".docx", ".pdf")


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def overlaps(found: str, expected: str) -> bool:
    """Whether two quotations of the plan overlap: one contains the other (case and spacing ignored)."""
    a, b = _normal(found), _normal(expected)
    return bool(a) and bool(b) and (a in b or b in a)


@dataclass
class Tally:
    findings: int = 0  # findings reported
    correct: int = 0  # findings that match a label
    expected: int = 0  # labelled faults
    found: int = 0  # labelled faults matched by at least one finding
    forbidden: int = 0  # wrong findings inside must_not_flag text

    @property
    def precision(self) -> float | None:
        return self.correct / self.findings if self.findings else None

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None


@dataclass
class Report:
    plans: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {category: Tally() for category in CATEGORIES})
    wrong: list[tuple[str, Finding]] = field(default_factory=list)
    missed: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def plan_files(paths: Iterable[Path]) -> list[Path]:
    """The plans among these files and folders that have a sidecar of labels."""
    found: list[Path] = []
    for path in paths:
        candidates = sorted(path.iterdir()) if path.is_dir() else [path]
        found += [p for p in candidates if p.suffix in PLAN_SUFFIXES and p.with_name(p.name + ".json").is_file()]
    return found


def _labels(plan: Path) -> dict[str, list[dict[str, str]]]:
    """The sidecar's labels; a plan_expect entry may be just a category (any section then matches)."""
    data = json.loads(plan.with_name(plan.name + ".json").read_text(encoding="utf-8"))
    labels = {key: list(data.get(key) or []) for key in ("expected_findings", "plan_expect", "must_not_flag")}
    labels["plan_expect"] = [{"category": e} if isinstance(e, str) else e for e in labels["plan_expect"]]
    return labels


# One absence, two contract categories: "no social care advice in section K" is social-care-missing in issue 3's
# definition and advice-missing under reg 6(1)(e); labellers file it under either, or both. A K finding of one
# (on an entry such as "Social care advice: not received", or on no entry) also matches a plan-level label of the
# other. Likewise a missing section D is social-care-missing in issue 3 ("section D missing, empty ...") and
# section-missing under reg 12: a finding of the first matches a plan-level label of the second.
EQUIVALENT_ABSENCES = {
    ("social-care-missing", "K"): "advice-missing",
    ("advice-missing", "K"): "social-care-missing",
    ("social-care-missing", "D"): "section-missing",
}


def same_section(found: str | None, labelled: str | None) -> bool:
    """Sections match; a finding on an undivided section H matches a label on H1 or H2."""
    return found == labelled or (found == "H" and labelled in ("H1", "H2"))


def _section_matches(finding: Finding, label: dict[str, str]) -> bool:
    """A label without a section (a plan-level category) matches a finding in any section."""
    return "section" not in label or same_section(finding.section, label["section"])


def _matches(finding: Finding, label: dict[str, str], whole_plan: bool) -> bool:
    equivalent = whole_plan and EQUIVALENT_ABSENCES.get((finding.category, finding.section))
    if label["category"] not in (finding.category, equivalent) or not _section_matches(finding, label):
        return False
    return whole_plan or overlaps(finding.evidence, label["evidence"])


def score_plan(name: str, findings: Sequence[Finding], labels: dict[str, list[dict[str, str]]], report: Report) -> None:
    expected = [(label, False) for label in labels["expected_findings"]] + [
        (label, True) for label in labels["plan_expect"]
    ]
    matched = [False] * len(expected)
    for finding in findings:
        tally = report.tallies[finding.category]
        tally.findings += 1
        hits = [i for i, (label, whole) in enumerate(expected) if _matches(finding, label, whole)]
        for i in hits:
            matched[i] = True
        if hits:
            tally.correct += 1
            continue
        report.wrong.append((name, finding))
        if any(
            label["category"] == finding.category
            and same_section(finding.section, label.get("section"))
            and finding.evidence
            and overlaps(finding.evidence, label["text"])
            for label in labels["must_not_flag"]
        ):
            tally.forbidden += 1
    for (label, _), was_found in zip(expected, matched, strict=True):
        tally = report.tallies[label["category"]]
        tally.expected += 1
        tally.found += was_found
        if not was_found:
            report.missed.append((name, label))


def measure(plans: Sequence[Path], ruleset: RuleSet | None = None) -> Report:
    ruleset = ruleset or load_rules()
    report = Report()
    for plan in plans:
        result = check_file(plan, ruleset)
        score_plan(plan.name, result.findings, _labels(plan), report)
        report.plans += 1
    return report


def _ratio(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def table(report: Report) -> str:
    lines = [
        f"{report.plans} labelled plans",
        f"{'category':<26} {'findings':>8} {'correct':>7} {'wrong':>5} {'expected':>8} {'found':>5} {'missed':>6}"
        f" {'precision':>9} {'recall':>6} {'in must_not_flag':>16}",
    ]
    for category, tally in report.tallies.items():
        mark = "*" if category in HEADLINE else " "
        lines.append(
            f"{category + mark:<26} {tally.findings:>8} {tally.correct:>7} {tally.findings - tally.correct:>5}"
            f" {tally.expected:>8} {tally.found:>5} {tally.expected - tally.found:>6}"
            f" {_ratio(tally.precision):>9} {_ratio(tally.recall):>6} {tally.forbidden:>16}"
        )
    lines.append("* headline category")
    return "\n".join(lines)


def details(report: Report) -> str:
    wrong = [f"wrong  {name}: {f.rule} {f.section} {f.evidence[:90]!r}" for name, f in report.wrong]
    missed = [
        f"missed {name}: {label['category']} {label.get('section')} "
        f"{label.get('evidence', label.get('about', ''))[:90]!r}"
        for name, label in report.missed
    ]
    by_rule = Counter(f.rule for _, f in report.wrong)
    summary = "wrong findings by rule: " + ", ".join(f"{rule} {count}" for rule, count in by_rule.most_common())
    return "\n".join([*wrong, *missed, summary])


def below(report: Report, minimum: float) -> list[str]:
    """Headline categories whose precision or recall is under `minimum` (or that were never tested)."""
    return [
        category
        for category in HEADLINE
        if (tally := report.tallies[category]).precision is None
        or tally.recall is None
        or tally.precision < minimum
        or tally.recall < minimum
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[FIXTURE_PLANS])
    parser.add_argument("--details", action="store_true", help="list wrong and missed findings (prints plan text)")
    parser.add_argument("--min", type=float, default=None, help="fail if a headline category is below this")
    args = parser.parse_args(argv)
    plans = plan_files(args.paths)
    if not plans:
        print("no plans with a .json sidecar of labels found", file=sys.stderr)
        return 2
    report = measure(plans)
    print(table(report))
    if args.details:
        print(details(report))
    if args.min is not None and (failing := below(report, args.min)):
        print(f"below {args.min}: {', '.join(failing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
