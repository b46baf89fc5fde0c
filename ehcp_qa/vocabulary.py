"""The section vocabulary: titles, column headers and metadata labels from rules/sections.yaml.

Kept as data so a council can teach ehcp-qa its own template's wording without touching code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ehcp_qa.errors import RuleError
from ehcp_qa.model import SECTION_IDS
from ehcp_qa.paths import RULES_DIR

SECTIONS_FILE = RULES_DIR / "sections.yaml"
KNOWN_IDS = frozenset((*SECTION_IDS, "H"))
METADATA_FIELDS = ("child_name", "date_of_birth", "year_group", "age", "date_issued", "date_of_request")

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, accents folded, apostrophes dropped, other punctuation as single spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("'", "")
    return _NON_WORD.sub(" ", folded).strip()


@dataclass(frozen=True)
class Concepts:
    """What an unlettered heading is about: a domain and a kind of content, or a single telling phrase."""

    domains: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (domain, normalised words)
    kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (kind, normalised words)
    pairs: tuple[tuple[tuple[str, str], str], ...] = ()  # ((domain, kind), section id)
    single: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (section id, normalised phrases)
    not_headings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    titles: tuple[tuple[str, str], ...]  # (normalised title, section id)
    columns: tuple[tuple[str, tuple[str, ...]], ...]  # (section id, normalised header words), by priority
    metadata_labels: tuple[tuple[str, str], ...]  # (normalised label, metadata field)
    concepts: Concepts = Concepts()


def _string_list(value: object, where: str, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise RuleError(f"{path.name}: {where} must be a list of non-empty strings")
    return value


def _word_lists(value: object, where: str, path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise RuleError(f"{path.name}: {where} must be a mapping of names to word lists")
    return tuple(
        (str(name), tuple(normalise(w) for w in _string_list(words, f"{where}.{name}", path)))
        for name, words in value.items()
    )


def _section_ids(items: tuple[tuple[str, tuple[str, ...]], ...], where: str, path: Path) -> None:
    for section_id, _ in items:
        if section_id not in KNOWN_IDS:
            raise RuleError(f"{path.name}: {where}.{section_id} is not a statutory section id")


def _load_concepts(data: object, path: Path) -> Concepts:
    if data is None:
        return Concepts()
    if not isinstance(data, dict):
        raise RuleError(f"{path.name}: concepts must be a mapping")
    domains = _word_lists(data.get("domains", {}), "concepts.domains", path)
    kinds = _word_lists(data.get("kinds", {}), "concepts.kinds", path)
    single = _word_lists(data.get("single", {}), "concepts.single", path)
    _section_ids(single, "concepts.single", path)
    pairs = []
    for key, section_id in (data.get("pairs") or {}).items():
        domain, _, kind = str(key).partition(" ")
        if domain not in dict(domains) or kind not in dict(kinds) or section_id not in KNOWN_IDS:
            raise RuleError(f"{path.name}: concepts.pairs.{key} must be '<domain> <kind>: <section id>'")
        pairs.append(((domain, kind), section_id))
    not_headings = data.get("not_headings", [])
    if not_headings:
        not_headings = [normalise(w) for w in _string_list(not_headings, "concepts.not_headings", path)]
    return Concepts(domains, kinds, tuple(pairs), single, tuple(not_headings))


def load_vocabulary(path: Path = SECTIONS_FILE) -> Vocabulary:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RuleError(f"{path.name}: cannot be read as YAML ({type(error).__name__})") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path.name}: expected a mapping at the top level")
    sections = data.get("sections")
    if not isinstance(sections, dict):
        raise RuleError(f"{path.name}: 'sections' must map section ids to their titles")
    titles: list[tuple[str, str]] = []
    for section_id, entry in sections.items():
        if section_id not in KNOWN_IDS:
            raise RuleError(f"{path.name}: sections.{section_id} is not a statutory section id")
        if not isinstance(entry, dict):
            raise RuleError(f"{path.name}: sections.{section_id} must be a mapping with 'titles'")
        for title in _string_list(entry.get("titles"), f"sections.{section_id}.titles", path):
            titles.append((normalise(title), section_id))
    columns: list[tuple[str, tuple[str, ...]]] = []
    for section_id, words in (data.get("columns") or {}).items():
        if section_id not in KNOWN_IDS:
            raise RuleError(f"{path.name}: columns.{section_id} is not a statutory section id")
        columns.append((section_id, tuple(normalise(w) for w in _string_list(words, f"columns.{section_id}", path))))
    labels: list[tuple[str, str]] = []
    for field_name, words in (data.get("metadata") or {}).items():
        if field_name not in METADATA_FIELDS:
            raise RuleError(f"{path.name}: metadata.{field_name} is not one of {', '.join(METADATA_FIELDS)}")
        labels.extend((normalise(w), field_name) for w in _string_list(words, f"metadata.{field_name}", path))
    return Vocabulary(
        titles=tuple(titles),
        columns=tuple(columns),
        metadata_labels=tuple(labels),
        concepts=_load_concepts(data.get("concepts"), path),
    )


@cache
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()
