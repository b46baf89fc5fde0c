"""Rules as data: load and validate rules/*.yaml, bind each rule to its check type, run the rules over a plan.

A rule file is a YAML mapping with `version: 1` and a `rules:` list. Each rule has a stable code (never reused;
old codes stay as `aliases`), a category from the JSON contract, the sections it reads, a severity, the check
`type` it binds to, a message for a caseworker, a `why` with its statutory reference, a `fix`, `params` for the
check, and `fail:` / `pass:` examples that the test suite runs. Other YAML files in the folder (sections.yaml,
scoring.yaml, a glossary a rule names in its params) are data read by the code that uses them.
"""

from __future__ import annotations

import re
import string
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ehcp_qa.checks import CHECK_TYPES
from ehcp_qa.checks.base import Hit, ParamError, Params, PlanView, Setup
from ehcp_qa.config import Config
from ehcp_qa.errors import RuleError
from ehcp_qa.model import (
    CATEGORIES,
    SECTION_IDS,
    SECTION_NAMES,
    Block,
    Finding,
    Location,
    Metadata,
    Plan,
    Section,
    Severity,
)
from ehcp_qa.paths import RULES_DIR

RULE_FILE_VERSION = 1
DATA_FILES = frozenset({"sections.yaml", "scoring.yaml"})  # read by segment.py and score.py, not rules
SECTION_CHOICES: tuple[str, ...] = (*SECTION_IDS, "H")
ALL_SECTIONS = "all"  # `sections: all` is every statutory section
_CODE = re.compile(r"^[A-Z]{3}\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_TEXT_FIELDS = ("name", "message", "why", "fix")
_REQUIRED_FIELDS = ("code", "category", "sections", "severity", "type", *_TEXT_FIELDS, "examples")
_OPTIONAL_FIELDS = ("params", "aliases", "supersedes")
_EXAMPLE_KEYS = frozenset({"sections", "metadata", "rows", "complete"})
_FILLER = "This section is complete."
# Findings sort by statutory section order (an undivided H where H1 would be), whole-plan findings first.
_SECTION_ORDER = {section_id: position for position, section_id in enumerate(SECTION_IDS)} | {"H": 7}

Example = str | Mapping[str, Any]


@dataclass(frozen=True)
class Examples:
    fail: tuple[Example, ...]
    passing: tuple[Example, ...]  # `pass:` in the rule file


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    sections: tuple[str, ...]
    severity: Severity
    type: str
    message: str
    why: str
    fix: str
    params: Mapping[str, Any] = field(hash=False)
    examples: Examples = field(hash=False)
    aliases: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()  # rules whose finding on the same block this rule's finding replaces
    source: str = ""  # the rule file's name


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    directory: Path
    disabled: tuple[str, ...] = ()  # codes turned off by the configuration
    compiled: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    def rule(self, code: str) -> Rule:
        """The rule with this code or alias (KeyError if none)."""
        for rule in self.rules:
            if code == rule.code or code in rule.aliases:
                return rule
        raise KeyError(code)


# ---------------------------------------------------------------------------------------------------------- load


def _freeze(value: Any) -> Any:
    """YAML data made immutable, so a Rule is a value."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


class _Where:
    """Formats errors as `file: rule CODE: field: problem`."""

    def __init__(self, file: str, code: str | None = None) -> None:
        self.file, self.code = file, code

    def error(self, where: str, problem: str) -> RuleError:
        rule = f" rule {self.code}:" if self.code else ""
        return RuleError(f"{self.file}:{rule} {where}: {problem}")


def _text(raw: Mapping[str, Any], key: str, where: _Where) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise where.error(key, "must be non-empty text")
    return " ".join(value.split()) if key != "name" else value.strip()


def _codes(raw: Mapping[str, Any], key: str, where: _Where) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(code, str) and _CODE.match(code) for code in value):
        raise where.error(key, "must be a list of rule codes such as OUT001")
    return tuple(value)


def _sections(raw: Mapping[str, Any], where: _Where) -> tuple[str, ...]:
    value = raw["sections"]
    if value == ALL_SECTIONS:
        return SECTION_IDS
    if not isinstance(value, list) or not value or any(item not in SECTION_CHOICES for item in value):
        raise where.error("sections", f"must be '{ALL_SECTIONS}' or a list of ids from {', '.join(SECTION_CHOICES)}")
    return tuple(value)


def _examples(raw: Mapping[str, Any], where: _Where) -> Examples:
    value = raw["examples"]
    if not isinstance(value, Mapping) or set(value) - {"fail", "pass"}:
        raise where.error("examples", "must be a mapping with 'fail' and 'pass' lists")
    lists = {}
    for key in ("fail", "pass"):
        items = value.get(key, [])
        if not isinstance(items, list):
            raise where.error(f"examples.{key}", "must be a list")
        for position, item in enumerate(items):
            if not (isinstance(item, str) and item.strip()) and not isinstance(item, Mapping):
                raise where.error(f"examples.{key}[{position}]", "must be text or a mapping of sections")
        lists[key] = tuple(_freeze(item) for item in items)
    return Examples(fail=lists["fail"], passing=lists["pass"])


def _rule(raw: Any, file: str, position: int) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{file}: rules[{position}]: must be a mapping")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise RuleError(f"{file}: rules[{position}].code: must be three capital letters and three digits")
    where = _Where(file, code)
    for key in _REQUIRED_FIELDS:
        if key not in raw:
            raise where.error(key, "is required")
    unknown = sorted(set(raw) - set(_REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS))
    if unknown:
        raise where.error(unknown[0], "is not a rule field")
    if raw["category"] not in CATEGORIES:
        raise where.error("category", f"must be one of {', '.join(CATEGORIES)}")
    if raw["severity"] not in {str(member) for member in Severity}:
        raise where.error("severity", "must be error, warning or info")
    if raw["type"] not in CHECK_TYPES:
        raise where.error("type", f"must be one of {', '.join(sorted(CHECK_TYPES))}")
    name = _text(raw, "name", where)
    if not _NAME.match(name):
        raise where.error("name", "must be lower-case words joined by hyphens")
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        raise where.error("params", "must be a mapping")
    return Rule(
        code=code,
        name=name,
        category=raw["category"],
        sections=_sections(raw, where),
        severity=Severity(raw["severity"]),
        type=raw["type"],
        message=_text(raw, "message", where),
        why=_text(raw, "why", where),
        fix=_text(raw, "fix", where),
        params=_freeze(params),
        examples=_examples(raw, where),
        aliases=_codes(raw, "aliases", where),
        supersedes=_codes(raw, "supersedes", where),
        source=file,
    )


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _compile(rule: Rule, setup: Setup) -> Any:
    check = CHECK_TYPES[rule.type]
    where = _Where(rule.source, rule.code)
    for key in ("message", "fix"):
        unknown = _placeholders(getattr(rule, key)) - check.details
        if unknown:
            known = ", ".join(sorted(check.details)) or "none"
            raise where.error(key, f"unknown placeholder {{{sorted(unknown)[0]}}} (this check fills: {known})")
    params = Params(rule.params)
    try:
        compiled = check.compile(params, setup)
    except ParamError as error:
        raise where.error(f"params.{error.field}", error.problem) from None
    if params.unread():
        raise where.error(f"params.{params.unread()[0]}", f"is not a parameter of type {rule.type}")
    for kind, examples in (("fail", rule.examples.fail), ("pass", rule.examples.passing)):
        for position, example in enumerate(examples):
            try:
                example_plan(rule, example)
            except ValueError as error:
                raise where.error(f"examples.{kind}[{position}]", str(error)) from None
    return compiled


def _check_codes(rules: Sequence[Rule]) -> None:
    """Codes and aliases are unique across all files, and `supersedes` names real rules."""
    owners: dict[str, Rule] = {}
    for rule in rules:
        for code in (rule.code, *rule.aliases):
            if code in owners:
                raise RuleError(f"{rule.source}: rule {rule.code}: code {code} is also used in {owners[code].source}")
            owners[code] = rule
    for rule in rules:
        for code in rule.supersedes:
            if code not in owners:
                raise _Where(rule.source, rule.code).error("supersedes", f"no rule has the code {code}")


def _apply_config(rules: Sequence[Rule], config: Config) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
    by_code = {code: rule.code for rule in rules for code in (rule.code, *rule.aliases)}
    source = str(config.source) if config.source else "configuration"
    for position, code in enumerate(config.disable):
        if code not in by_code:
            raise RuleError(f"{source}: disable[{position}]: no rule has the code {code}")
    for code in config.severity:
        if code not in by_code:
            raise RuleError(f"{source}: severity.{code}: no rule has the code {code}")
    disabled = {by_code[code] for code in config.disable}
    severity = {by_code[code]: level for code, level in config.severity.items()}
    kept = tuple(
        replace(rule, severity=severity.get(rule.code, rule.severity)) for rule in rules if rule.code not in disabled
    )
    return kept, tuple(sorted(disabled))


def load_rules(rules_dir: Path | None = None, config: Config | None = None) -> RuleSet:
    """Every rule in `rules_dir` (default: the repository's rules/), validated, with the council's config applied.

    Raises RuleError naming the file, the rule code and the field for anything invalid.
    """
    directory = rules_dir or RULES_DIR
    if not directory.is_dir():
        raise RuleError(f"{directory}: rules folder not found")
    setup = Setup(rules_dir=directory)
    rules: list[Rule] = []
    other_files: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name in DATA_FILES:
            continue
        data = setup.read(path.name)
        if not isinstance(data, Mapping) or "rules" not in data:
            other_files.append(path.name)  # data, if a rule reads it (checked below)
            continue
        if data.get("version") != RULE_FILE_VERSION:
            raise RuleError(f"{path.name}: version: must be {RULE_FILE_VERSION}")
        if set(data) - {"version", "rules"}:
            raise RuleError(f"{path.name}: {sorted(set(data) - {'version', 'rules'})[0]}: is not a rule file key")
        if not isinstance(data["rules"], list):
            raise RuleError(f"{path.name}: rules: must be a list")
        rules.extend(_rule(raw, path.name, position) for position, raw in enumerate(data["rules"]))
    _check_codes(rules)
    compiled = {rule.code: _compile(rule, setup) for rule in rules}
    unread = [name for name in other_files if name not in setup.files_used]
    if unread:
        raise RuleError(f"{unread[0]}: rules: a rule file needs a 'rules' list (and no rule reads this file as data)")
    kept, disabled = _apply_config(rules, config or Config())
    return RuleSet(rules=kept, directory=directory, disabled=disabled, compiled=MappingProxyType(compiled))


# ----------------------------------------------------------------------------------------------------------- run


class _Details(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _finding(rule: Rule, hit: Hit) -> Finding:
    details = _Details(hit.details)
    return Finding(
        rule=rule.code,
        category=rule.category,
        section=hit.section,
        severity=rule.severity,
        message=rule.message.format_map(details),
        evidence=hit.evidence,
        location=hit.block.location if hit.block else None,
        suggestion=hit.suggestion or rule.fix.format_map(details),
    )


def _without_superseded(findings: Sequence[Finding], ruleset: RuleSet) -> list[Finding]:
    """Drop a finding when a rule that supersedes it fired on the same words of the same block (one fault, one
    finding); a superseded rule's finding on another sentence of that block stays."""
    superseding = [(code, f) for f in findings for code in ruleset.rule(f.rule).supersedes]

    def superseded(finding: Finding) -> bool:
        return any(
            code == finding.rule
            and other.section == finding.section
            and other.location == finding.location
            and _overlap(other.evidence, finding.evidence)
            for code, other in superseding
        )

    return [f for f in findings if not superseded(f)]


def _overlap(one: str, other: str) -> bool:
    """Evidence about the same words: one contains the other (an absence has no words and overlaps any)."""
    return one in other or other in one


def _without_absences_if_not_a_plan(findings: Sequence[Finding]) -> list[Finding]:
    """A document that is not a plan gets one not-a-plan finding, not a pile of 'X is missing'."""
    if not any(finding.category == "not-a-plan" for finding in findings):
        return list(findings)
    return [f for f in findings if f.category == "not-a-plan" or f.evidence]


def _order(finding: Finding) -> tuple[int, int, str, str]:
    section = _SECTION_ORDER.get(finding.section, -1) if finding.section else -1
    index = finding.location.index if finding.location else -1
    return section, index, finding.rule, finding.evidence


def run_checks(plan: Plan, ruleset: RuleSet) -> tuple[Finding, ...]:
    """Every rule's findings for this plan, in section order, then block order, then rule code."""
    view = PlanView(plan)
    view.parse([block for _, block in view.all_blocks])
    findings = [
        _finding(rule, hit)
        for rule in ruleset.rules
        for hit in CHECK_TYPES[rule.type].run(view, rule.sections, ruleset.compiled[rule.code])
    ]
    findings = _without_absences_if_not_a_plan(_without_superseded(findings, ruleset))
    return tuple(sorted(dict.fromkeys(findings), key=_order))


# ------------------------------------------------------------------------------------------------------ examples


def _paragraphs(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, Sequence) else None
    if items is None or not all(isinstance(item, str) for item in items):
        raise ValueError(f"{where} must be text or a list of texts")
    return items


def build_plan(spec: Mapping[str, Any]) -> Plan:
    """A small plan from {sections: {...}, rows: [...], metadata: {...}, complete: true}.

    `sections` maps section ids to text or a list of texts (paragraphs); `rows` are table rows of a combined
    table, each {section: text or [cell texts]}; `complete` adds every other statutory section with a neutral
    sentence; a section given as null is left out, one given as [] is present but empty.
    """
    if set(spec) - _EXAMPLE_KEYS:
        raise ValueError(f"unknown key {sorted(set(spec) - _EXAMPLE_KEYS)[0]}")
    given = spec.get("sections", {})
    if not isinstance(given, Mapping) or set(given) - set(SECTION_CHOICES):
        raise ValueError(f"sections must map section ids ({', '.join(SECTION_CHOICES)}) to text")
    texts: dict[str, list[str] | None] = {}
    if spec.get("complete"):
        texts = {section_id: [_FILLER] for section_id in SECTION_IDS if not (section_id[0] == "H" and "H" in given)}
    for section_id, value in given.items():
        texts[section_id] = None if value is None else _paragraphs(value, f"sections.{section_id}")
    blocks: dict[str, list[Block]] = {sid: [] for sid, value in texts.items() if value is not None}
    index = 0
    for section_id, paragraphs in texts.items():
        for text in paragraphs or []:
            blocks[section_id].append(Block(text, "paragraph", Location(index)))
            index += 1
    rows = spec.get("rows", [])
    if not isinstance(rows, Sequence) or isinstance(rows, str):
        raise ValueError("rows must be a list of {section: cell text(s)}")
    for row, cells in enumerate(rows):
        if not isinstance(cells, Mapping) or set(cells) - set(SECTION_CHOICES):
            raise ValueError(f"rows[{row}] must map section ids to cell text(s)")
        cell = 0
        for section_id, value in cells.items():
            for text in _paragraphs(value, f"rows[{row}].{section_id}"):
                location = Location(index, table=0, row=row + 1, cell=cell)
                blocks.setdefault(section_id, []).append(Block(text, "table_cell", location))
                index, cell = index + 1, cell + 1
    metadata = spec.get("metadata", {})
    if not isinstance(metadata, Mapping) or set(metadata) - {"year_group", "age"}:
        raise ValueError("metadata may hold year_group and age")
    sections = tuple(
        Section(id=sid, title=SECTION_NAMES[sid], blocks=tuple(blocks[sid]))
        for sid in sorted(blocks, key=lambda sid: _SECTION_ORDER[sid])
    )
    return Plan(path="example", kind="docx", metadata=Metadata(**metadata), sections=sections)


def _example_spec(rule: Rule, example: Example) -> Mapping[str, Any]:
    """Text is one paragraph in the rule's first section; a mapping without spec keys is {section: text}."""
    if isinstance(example, str):
        return {"sections": {rule.sections[0]: example}}
    return example if set(example) & _EXAMPLE_KEYS else {"sections": example}


def example_plan(rule: Rule, example: Example) -> Plan:
    """The small plan one of a rule's examples describes."""
    return build_plan(_example_spec(rule, example))


def example_findings(ruleset: RuleSet, rule: Rule, example: Example) -> tuple[Finding, ...]:
    """What one rule, run alone, finds in one of its examples (other rules neither add nor supersede)."""
    return run_checks(example_plan(rule, example), replace(ruleset, rules=(rule,)))


def plan_from_sections(sections: Mapping[str, Iterable[str]], **metadata: int) -> Plan:
    """A plan with these paragraphs in these sections (for tests)."""
    return build_plan({"sections": {sid: list(texts) for sid, texts in sections.items()}, "metadata": metadata})


# ------------------------------------------------------------------------------------------------------ explain


def _example_text(rule: Rule, example: Example) -> str:
    """An example as a reader sees it: the text, or 'Section X: text' lines for a small plan."""
    if isinstance(example, str):
        return example
    plan = example_plan(rule, example)
    lines = [f"Year {plan.metadata.year_group}" if plan.metadata.year_group is not None else ""]
    lines += [
        f"Section {section.id}: " + (" / ".join(b.text for b in section.blocks if b.text != _FILLER) or "(empty)")
        for section in plan.sections
        if not (len(section.blocks) == 1 and section.blocks[0].text == _FILLER)
    ]
    if _example_spec(rule, example).get("complete"):
        missing = [sid for sid in SECTION_IDS if plan.section(sid) is None]
        lines.append("(all other sections present)" + (f"; no section {', '.join(missing)}" if missing else ""))
    return "\n".join(line for line in lines if line)


def _sections_text(rule: Rule) -> str:
    return ALL_SECTIONS if rule.sections == SECTION_IDS else ", ".join(rule.sections)


def _template_text(template: str) -> str:
    """A message or fix as a reader sees it outside a finding: "{words}" shown as "<words>"."""
    return re.sub(r"\{(\w+)\}", r"<\1>", template)


def _rule_summary(rule: Rule) -> str:
    return f"{rule.code}  {rule.severity:<7}  {rule.category:<25}  {rule.name}"


def _rule_detail(rule: Rule) -> str:
    wrap = textwrap.TextWrapper(width=100, initial_indent="  ", subsequent_indent="  ")
    lines = [
        f"{rule.code}: {rule.name}",
        f"category {rule.category}, severity {rule.severity}, sections {_sections_text(rule)}, "
        f"check {rule.type}, file {rule.source}" + (f", formerly {', '.join(rule.aliases)}" if rule.aliases else ""),
        "",
        "What it finds",
        wrap.fill(_template_text(rule.message)),
        "Why it matters",
        wrap.fill(rule.why),
        "How to fix it",
        wrap.fill(_template_text(rule.fix)),
        "Fails",
        *(textwrap.indent(_example_text(rule, example), "  ") for example in rule.examples.fail),
        "Passes",
        *(textwrap.indent(_example_text(rule, example), "  ") for example in rule.examples.passing),
    ]
    return "\n".join(lines)


def explain_rules(ruleset: RuleSet, code: str | None = None) -> str:
    """Plain text for `ehcp-qa rules`: one line per rule, or everything about one rule when `code` is given."""
    if code is not None:
        try:
            return _rule_detail(ruleset.rule(code.upper()))
        except KeyError:
            raise RuleError(f"no rule has the code {code}") from None
    lines = [_rule_summary(rule) for rule in sorted(ruleset.rules, key=lambda rule: rule.code)]
    if ruleset.disabled:
        lines.append(f"turned off by configuration: {', '.join(ruleset.disabled)}")
    lines.append("Run `ehcp-qa rules --code CODE` for what a rule checks, why, and examples.")
    return "\n".join(lines)


def _markdown_block(text: str) -> str:
    return "```text\n" + text + "\n```"


def rules_markdown(ruleset: RuleSet) -> str:
    """docs/rules.md: every rule, generated from the rule files (edit those, not the page)."""
    rules = sorted(ruleset.rules, key=lambda rule: rule.code)
    lines = [
        "# ehcp-qa rules",
        "",
        "<!-- Generated from rules/*.yaml by ehcp_qa.engine.rules_markdown; do not edit by hand. -->",
        "",
        "Every rule has a stable code. A council can turn a rule off or change its severity in `ehcp-qa.toml` or",
        '`[tool.ehcp-qa]` in pyproject.toml (`disable = ["PRV003"]`, `[tool.ehcp-qa.severity] OUT002 = "error"`).',
        "",
        "| Code | Name | Category | Severity | Sections |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.category} | {r.severity} | {_sections_text(r)} |"
            for r in rules
        ),
    ]
    for rule in rules:
        lines += [
            "",
            f"## {rule.code}: {rule.name}",
            "",
            f"Category `{rule.category}`, severity `{rule.severity}`, sections {_sections_text(rule)}, "
            f"check type `{rule.type}`, defined in `rules/{rule.source}`."
            + (f" Formerly {', '.join(rule.aliases)}." if rule.aliases else ""),
            "",
            "### What it does",
            "",
            _template_text(rule.message),
            "",
            "### Why",
            "",
            rule.why,
            "",
            "### Example that fails",
            "",
            *(_markdown_block(_example_text(rule, example)) for example in rule.examples.fail),
            "",
            "### Use instead",
            "",
            _template_text(rule.fix),
            "",
            *(_markdown_block(_example_text(rule, example)) for example in rule.examples.passing),
        ]
    return "\n".join(lines) + "\n"
