"""Checks on rules/medical_glossary.yaml, the data behind the `medical-term-unexplained` check.

Each rule is a small pure function that returns a list of problems, so a failing test names every bad entry at
once, and the functions themselves are tested on made-up bad entries to show that they can fail.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

GLOSSARY_PATH = Path(__file__).resolve().parents[1] / "rules" / "medical_glossary.yaml"

KINDS = frozenset({"condition", "symptom", "procedure", "equipment", "medication", "test", "therapy"})
REQUIRED_FIELDS = ("term", "aliases", "abbreviations", "kind", "plain")
OPTIONAL_FIELDS = ("ambiguous", "context", "usual")
MIN_TERMS = 300
PLAIN_MIN_CHARS = 40
PLAIN_MAX_CHARS = 300
# Words of three or more letters that must remain once the entry's own names are taken out of `plain`: fewer
# means the note only restates the term ("Epilepsy is epilepsy.").
PLAIN_MIN_OWN_WORDS = 5
ABBREVIATION_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]{1,9}")
WORD = re.compile(r"[A-Za-z]{3,}")

Entry = dict[str, Any]


def load_glossary(path: Path = GLOSSARY_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def entry_label(entry: Entry) -> str:
    term = entry.get("term")
    return term if isinstance(term, str) else repr(term)


def is_string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() == item and item for item in value)


def schema_problems(entry: Entry) -> list[str]:
    """Missing or unknown fields, wrong types, kinds outside the allowed set, ambiguity without context."""
    label = entry_label(entry)
    problems = [f"{label}: missing field {field!r}" for field in REQUIRED_FIELDS if field not in entry]
    unknown = set(entry) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    problems += [f"{label}: unknown field {field!r}" for field in sorted(unknown)]
    for field in ("term", "plain"):
        value = entry.get(field)
        if field in entry and not (isinstance(value, str) and value.strip() == value and value):
            problems.append(f"{label}: {field!r} must be a non-empty string without outer spaces")
    for field in ("aliases", "abbreviations"):
        if field in entry and not is_string_list(entry[field]):
            problems.append(f"{label}: {field!r} must be a list of non-empty strings without outer spaces")
    if "kind" in entry and entry["kind"] not in KINDS:
        problems.append(f"{label}: kind {entry['kind']!r} is not one of {sorted(KINDS)}")
    if "ambiguous" in entry and entry["ambiguous"] is not True:
        problems.append(f"{label}: 'ambiguous' is only written when true")
    if entry.get("ambiguous") is True:
        if not (is_string_list(entry.get("context")) and entry["context"]):
            problems.append(f"{label}: an ambiguous entry needs a non-empty 'context' list")
        if not entry.get("abbreviations"):
            problems.append(f"{label}: 'ambiguous' describes an abbreviation, but the entry has none")
    elif "context" in entry or "usual" in entry:
        problems.append(f"{label}: 'context' and 'usual' are only for entries marked ambiguous")
    if "usual" in entry and entry["usual"] is not True:
        problems.append(f"{label}: 'usual' is only written when true")
    return problems


def abbreviation_problems(entry: Entry) -> list[str]:
    """Abbreviations are single upper-case-ish tokens such as ADHD, SpLD, HbA1c or ADI-R."""
    problems = []
    for abbreviation in entry.get("abbreviations", []):
        upper = sum(char.isupper() for char in abbreviation)
        lower = sum(char.islower() for char in abbreviation)
        if not ABBREVIATION_SHAPE.fullmatch(abbreviation) or upper == 0 or lower > upper:
            problems.append(f"{entry_label(entry)}: {abbreviation!r} is not an upper-case abbreviation token")
    return problems


def entry_names(entry: Entry) -> list[tuple[str, str]]:
    """Every name an entry can be found by, with the field it comes from."""
    names = [("term", entry["term"])]
    names += [("aliases", alias) for alias in entry.get("aliases", [])]
    names += [("abbreviations", abbreviation) for abbreviation in entry.get("abbreviations", [])]
    return names


def duplicate_name_problems(entries: list[Entry]) -> list[str]:
    """A name may belong to one entry only, unless it is an abbreviation flagged ambiguous wherever it is used;
    at most one of those entries is its usual meaning."""
    uses: dict[str, list[tuple[str, str, bool, bool]]] = defaultdict(list)
    for entry in entries:
        for field, name in entry_names(entry):
            flags = (entry.get("ambiguous") is True, entry.get("usual") is True)
            uses[name.casefold()].append((entry_label(entry), field, *flags))
    problems = []
    for name, where in sorted(uses.items()):
        if len(where) < 2:
            continue
        shared_ambiguous_abbreviation = all(field == "abbreviations" and ambiguous for _, field, ambiguous, _ in where)
        if not shared_ambiguous_abbreviation:
            owners = ", ".join(f"{label} ({field})" for label, field, _, _ in where)
            problems.append(f"{name!r} is used more than once: {owners}")
        elif sum(usual for *_, usual in where) > 1:
            problems.append(f"{name!r} has more than one usual meaning")
    return problems


def plain_problems(entry: Entry) -> list[str]:
    """`plain` is 40-300 characters, ends with a full stop and says more than the entry's own names."""
    label = entry_label(entry)
    plain = entry["plain"]
    problems = []
    if not PLAIN_MIN_CHARS <= len(plain) <= PLAIN_MAX_CHARS:
        problems.append(f"{label}: plain is {len(plain)} characters, not {PLAIN_MIN_CHARS}-{PLAIN_MAX_CHARS}")
    if not plain.endswith("."):
        problems.append(f"{label}: plain must end with a full stop")
    remainder = plain
    # Longest names first, so "spastic cerebral palsy" goes before "cerebral palsy" can split it.
    for _, name in sorted(entry_names(entry), key=lambda field_name: -len(field_name[1])):
        remainder = re.sub(re.escape(name), " ", remainder, flags=re.IGNORECASE)
    if len(WORD.findall(remainder)) < PLAIN_MIN_OWN_WORDS:
        problems.append(f"{label}: plain only restates the term")
    return problems


def count_by_kind(entries: list[Entry]) -> Counter[str]:
    return Counter(entry["kind"] for entry in entries)


@pytest.fixture(scope="module")
def glossary() -> dict[str, Any]:
    return load_glossary()


@pytest.fixture(scope="module")
def entries(glossary: dict[str, Any]) -> list[Entry]:
    return glossary["terms"]


def good_entry(**changes: Any) -> Entry:
    entry: Entry = {
        "term": "Example syndrome",
        "aliases": ["example disorder"],
        "abbreviations": ["EXS"],
        "kind": "condition",
        "plain": "A made-up condition used only in tests, which makes walking and writing slower for a child.",
    }
    entry.update(changes)
    return entry


def test_top_level_shape(glossary: dict[str, Any]) -> None:
    assert set(glossary) == {"version", "terms"}
    assert glossary["version"] == 1
    assert isinstance(glossary["terms"], list)
    assert all(isinstance(entry, dict) for entry in glossary["terms"])


def test_has_enough_terms(entries: list[Entry]) -> None:
    assert len(entries) >= MIN_TERMS


def test_every_entry_matches_schema(entries: list[Entry]) -> None:
    problems = [problem for entry in entries for problem in schema_problems(entry)]
    assert not problems, "\n".join(problems)


def test_every_kind_is_used(entries: list[Entry]) -> None:
    assert set(count_by_kind(entries)) == KINDS


def test_abbreviations_are_upper_case_tokens(entries: list[Entry]) -> None:
    problems = [problem for entry in entries for problem in abbreviation_problems(entry)]
    assert not problems, "\n".join(problems)


def test_no_name_is_used_twice(entries: list[Entry]) -> None:
    problems = duplicate_name_problems(entries)
    assert not problems, "\n".join(problems)


def test_plain_explanations_are_usable(entries: list[Entry]) -> None:
    problems = [problem for entry in entries for problem in plain_problems(entry)]
    assert not problems, "\n".join(problems)


def test_known_clashes_are_flagged_ambiguous(entries: list[Entry]) -> None:
    """ASD is autism and a heart defect; both entries must carry context to tell them apart."""
    owners = [entry for entry in entries if "ASD" in entry["abbreviations"]]
    assert {entry["term"] for entry in owners} == {"Autism spectrum disorder", "Atrial septal defect"}
    assert all(entry.get("ambiguous") is True and entry["context"] for entry in owners)


# The rule functions must be able to fail: each is shown a made-up bad entry.


def test_schema_check_catches_bad_entries() -> None:
    assert schema_problems(good_entry()) == []
    missing_plain = good_entry()
    del missing_plain["plain"]
    assert schema_problems(missing_plain)
    assert schema_problems(good_entry(kind="diagnosis"))
    assert schema_problems(good_entry(aliases="example disorder"))
    assert schema_problems(good_entry(notes="extra field"))
    assert schema_problems(good_entry(ambiguous=True))
    assert schema_problems(good_entry(context=["heart"]))
    assert schema_problems(good_entry(ambiguous=True, context=["heart"], abbreviations=[]))
    assert schema_problems(good_entry(ambiguous=True, context=["heart"])) == []
    assert schema_problems(good_entry(usual=True))
    assert schema_problems(good_entry(ambiguous=True, context=["heart"], usual="yes"))
    assert schema_problems(good_entry(ambiguous=True, context=["heart"], usual=True)) == []


@pytest.mark.parametrize("abbreviation", ["adhd", "AD HD", "A", "Abc", "spld", "ADHD!", "TOOLONGABBREV"])
def test_abbreviation_check_rejects(abbreviation: str) -> None:
    assert abbreviation_problems(good_entry(abbreviations=[abbreviation]))


@pytest.mark.parametrize("abbreviation", ["ADHD", "SpLD", "HbA1c", "ADI-R", "3Di", "T1DM", "C-PTSD"])
def test_abbreviation_check_accepts(abbreviation: str) -> None:
    assert abbreviation_problems(good_entry(abbreviations=[abbreviation])) == []


def test_duplicate_check_catches_clashes() -> None:
    other = good_entry(term="Other syndrome", aliases=["other disorder"], abbreviations=["OTS"])
    assert duplicate_name_problems([good_entry(), other]) == []
    assert duplicate_name_problems([good_entry(), good_entry(aliases=[], abbreviations=[])])
    assert duplicate_name_problems([good_entry(), {**other, "aliases": ["EXAMPLE DISORDER"]}])
    assert duplicate_name_problems([good_entry(aliases=["example syndrome"])])
    shared = {**other, "abbreviations": ["EXS"]}
    assert duplicate_name_problems([good_entry(), shared])
    flagged = {"ambiguous": True, "context": ["walking"]}
    assert duplicate_name_problems([good_entry(**flagged), {**shared, **flagged}]) == []
    assert duplicate_name_problems([good_entry(**flagged), {**shared, "aliases": ["exs"], **flagged}])
    usual = {**flagged, "usual": True}
    assert duplicate_name_problems([good_entry(**usual), {**shared, **flagged}]) == []
    assert duplicate_name_problems([good_entry(**usual), {**shared, **usual}])


def test_plain_check_catches_poor_explanations() -> None:
    assert plain_problems(good_entry()) == []
    assert plain_problems(good_entry(plain="Too short."))
    assert plain_problems(good_entry(plain="A made-up condition used only in tests, with no full stop at the end"))
    assert plain_problems(good_entry(plain="x" * (PLAIN_MAX_CHARS + 1) + "."))
    assert plain_problems(good_entry(plain="Example syndrome (EXS) is example disorder, the example syndrome."))


def test_count_by_kind_counts_each_entry_once() -> None:
    counts = count_by_kind([good_entry(), good_entry(kind="test"), good_entry(kind="test")])
    assert counts == Counter({"test": 2, "condition": 1})
