"""What every check type shares: its parameters, what it reports (Hit), and a view of the plan it reads.

A check type is two pure functions: `compile(params, setup)` turns a rule's `params:` into a ready object (and
rejects bad parameters with the field's name), `run(plan_view, rule_sections, compiled)` yields Hits. The engine
turns Hits into Findings, so evidence is always a slice of a block's own text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc, Span

from ehcp_qa.errors import RuleError
from ehcp_qa.model import Block, Metadata, Plan, Section
from ehcp_qa.nlp import get_nlp


class ParamError(Exception):
    """A rule's parameter is missing or of the wrong shape; `field` names it (e.g. "phrases[3]")."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 20x faster on the glossary
_REQUIRED: Any = object()  # marks a parameter without a default


def _flatten(items: Iterable[Any]) -> Iterator[Any]:
    for item in items:
        if isinstance(item, list | tuple):
            yield from _flatten(item)
        else:
            yield item


class Params:
    """Typed, validated access to a rule's `params:` mapping; remembers which keys were read."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._read: set[str] = set()

    def _get(self, name: str, default: Any) -> Any:
        self._read.add(name)
        if name in self._raw:
            return self._raw[name]
        if default is _REQUIRED:
            raise ParamError(name, "is required")
        return default

    def has(self, name: str) -> bool:
        """Whether the rule gives this (optional) parameter."""
        return name in self._raw

    def strings(self, name: str, default: Any = _REQUIRED) -> tuple[str, ...]:
        """A list of strings; lists inside it are flattened (a rule file may combine lists by YAML anchors)."""
        value = self._get(name, default)
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ParamError(name, "must be a list of strings")
        items = tuple(_flatten(value))
        for position, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise ParamError(f"{name}[{position}]", "must be a non-empty string")
        return items

    def string(self, name: str, default: Any = _REQUIRED) -> str:
        """A non-empty string, or the default (as given) when the rule leaves the parameter out."""
        if name not in self._raw and default is not _REQUIRED:
            self._read.add(name)
            return default
        value = self._get(name, default)
        if not isinstance(value, str) or not value.strip():
            raise ParamError(name, "must be a non-empty string")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: Any = _REQUIRED) -> str:
        value = self._get(name, default)
        if value not in choices:
            raise ParamError(name, f"must be one of {', '.join(choices)}")
        return str(value)

    def number(self, name: str, default: Any = _REQUIRED, minimum: float = 0) -> float:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise ParamError(name, f"must be a number of at least {minimum:g}")
        return float(value)

    def integer(self, name: str, default: Any = _REQUIRED, minimum: int = 0) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ParamError(name, f"must be a whole number of at least {minimum}")
        return value

    def boolean(self, name: str, default: Any = _REQUIRED) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise ParamError(name, "must be true or false")
        return value

    def groups(self, name: str, default: Any = _REQUIRED) -> dict[str, tuple[str, ...]]:
        """A mapping of group name -> list of strings (e.g. areas of need -> their words)."""
        value = self._get(name, default)
        if not isinstance(value, Mapping) or not value:
            raise ParamError(name, "must map names to lists of strings")
        groups: dict[str, tuple[str, ...]] = {}
        for key, words in value.items():
            try:
                groups[str(key)] = Params({key: words}).strings(key)
            except ParamError as error:
                raise ParamError(f"{name}.{error.field}", error.problem) from None
        return groups

    def unread(self) -> tuple[str, ...]:
        """Keys the check never asked for: almost always a typo in the rule file."""
        return tuple(sorted(set(self._raw) - self._read))


@dataclass(frozen=True)
class Setup:
    """What compiling a rule may need besides its params: data files in the rules folder, parsed once each."""

    rules_dir: Path
    _parsed: dict[str, Any] = field(default_factory=dict, repr=False)
    _used: set[str] = field(default_factory=set, repr=False)

    @property
    def files_used(self) -> frozenset[str]:
        """The data files that rules asked for."""
        return frozenset(self._used)

    def read(self, name: str) -> Any:
        """The parsed YAML of a file in the rules folder (RuleError naming the file if it is not YAML)."""
        if name not in self._parsed:
            path = self.rules_dir / name
            try:
                self._parsed[name] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
                mark = getattr(error, "problem_mark", None)
                where = f" at line {mark.line + 1}" if mark is not None else ""
                raise RuleError(f"{name}: cannot be read as YAML{where} ({type(error).__name__})") from None
        return self._parsed[name]

    def data_file(self, name: str) -> Any:
        """The parsed YAML of a data file that a rule names in its params (e.g. its glossary)."""
        if Path(name).name != name or not name.endswith(".yaml"):
            raise ParamError(name, "must be the name of a .yaml file in the rules folder")
        self._used.add(name)
        return self.read(name)


@dataclass(frozen=True)
class Hit:
    """One fault found: the block it is in and the character span of the words at fault.

    A Hit without a block is about an absence (a section or advice that is not there); `section` says where.
    `details` fill the {placeholders} of the rule's message and fix; `suggestion` replaces the fix when set.
    """

    section: str | None
    block: Block | None = None
    start: int = 0
    end: int = 0
    details: Mapping[str, str] = field(default_factory=dict)
    suggestion: str | None = None

    @property
    def evidence(self) -> str:
        return self.block.text[self.start : self.end] if self.block else ""


def whole_block(section: str, block: Block, **kwargs: Any) -> Hit:
    """A Hit whose evidence is the block's text without surrounding white space."""
    text = block.text
    start = len(text) - len(text.lstrip())
    return Hit(section, block, start, len(text.rstrip()), **kwargs)


def span_hit(section: str, block: Block, span: Span, **kwargs: Any) -> Hit:
    """A Hit whose evidence is a span of the block's Doc (a sentence, a phrase) without surrounding white space."""
    text = span.text
    start = span.start_char + len(text) - len(text.lstrip())
    return Hit(section, block, start, span.start_char + len(text.rstrip()), **kwargs)


@dataclass(frozen=True)
class CheckType:
    compile: Callable[[Params, Setup], Any]
    run: Callable[[PlanView, tuple[str, ...], Any], Iterable[Hit]]
    details: frozenset[str] = frozenset()  # the {placeholders} this check can fill in a message or fix


def from_year(metadata: Metadata, year_group: int, age: int) -> bool:
    """Whether the child is in this National Curriculum year or older, or of this age or older (either known)."""
    return (metadata.year_group is not None and metadata.year_group >= year_group) or (
        metadata.age is not None and metadata.age >= age
    )


class PlanView:
    """A plan as the checks read it: sections by id and each block's spaCy Doc, made once per run."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._docs: dict[int, Doc] = {}

    def sections(self, section_ids: Iterable[str]) -> list[Section]:
        """The plan's sections among these ids, in the plan's order (an undivided H answers for H1 and H2)."""
        wanted = set(section_ids)
        if wanted & {"H1", "H2"}:
            wanted.add("H")
        return [section for section in self.plan.sections if section.id in wanted]

    @cached_property
    def all_blocks(self) -> tuple[tuple[str, Block], ...]:
        return tuple((section.id, block) for section in self.plan.sections for block in section.blocks)

    def doc(self, block: Block) -> Doc:
        key = id(block)
        if key not in self._docs:
            self._docs[key] = get_nlp()(block.text)
        return self._docs[key]

    def parse(self, blocks: Sequence[Block]) -> None:
        """Parse many blocks together (nlp.pipe is faster than one call per block)."""
        pending = [block for block in blocks if id(block) not in self._docs]
        for block, doc in zip(pending, get_nlp().pipe(block.text for block in pending), strict=True):
            self._docs[id(block)] = doc
