"""Collect what to remove from a plan, then find it in any piece of text.

Sources, in order of trust: the plan's own personal-details fields (the child, parents, DOB, address, numbers);
section K's list of advice givers; patterns and validators (patterns.py); name heuristics (names.py). People are
merged ("Dr S Patel", "Dr Patel", "Susan Patel" are one person) and numbered once, so each keeps one label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ehcp_qa.metadata import parse_date
from ehcp_qa.model import Metadata
from ehcp_qa.redact import names as heuristics
from ehcp_qa.redact.labels import (
    ADDRESS,
    CHILD,
    DATE_OF_BIRTH,
    EMAIL,
    NHS_NUMBER,
    NI_NUMBER,
    PARENT,
    PEOPLE_KINDS,
    PERSON,
    PHONE,
    POSTCODE,
    PROFESSIONAL,
    SCHOOL,
    UPN,
    label_text,
)
from ehcp_qa.redact.patterns import date_of_birth_pattern, find_patterns

NICKNAME = "NICKNAME"  # a field kind only: the child's other name
_FIELD_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"e-?mail", EMAIL),
        (r"post\s*code", POSTCODE),
        (r"address", ADDRESS),
        (r"\bnhs\b", NHS_NUMBER),
        (r"\bupn\b|unique\s+pupil", UPN),
        (r"national\s+insurance|\bni\s*(?:no|number)\b", NI_NUMBER),
        (r"phone|\btel\b|mobile|contact\s+number", PHONE),
        (r"date\s+of\s+birth|\bdob\b|d\.\s?o\.\s?b|birth\s*date", DATE_OF_BIRTH),
        (r"known\s+as|preferred\s+name|likes\s+to\s+be\s+called|nickname", NICKNAME),
        (r"parent|mother|father|\bmum\b|\bdad\b|carer|guardian|next\s+of\s+kin", PARENT),
        (
            r"case\s*worker|case\s*officer|officer|co-?ordinator|senco|sendco|social\s+worker|key\s*worker|"
            r"lead\s+professional|teacher|therapist|psycholog|paediatrician|doctor|\bgp\b|consultant|nurse|"
            r"author|completed\s+by|signed|contact|manager|named\s+person|practitioner|adviser|advisor",
            PROFESSIONAL,
        ),
        (r"school|setting|placement|nursery|college|academy|provider", SCHOOL),
        (r"^\W*(?:(?:child|young\s+person|pupil|learner|student)(?:['’]s)?\s+)?(?:full\s+|legal\s+)?name\W*$", CHILD),
        (r"(?:name\s+of\s+(?:the\s+)?(?:child|young\s+person|pupil))|my\s+name|child.*name", CHILD),
    )
)
_MONTH_WORDS = heuristics.word_set(
    "january february march april may june july august september october november december"
)
_SCHOOL = re.compile(
    r"(?<![\w])(?:(?:St\.?|Saint)\s+)?[A-Z][\w'’&.-]*(?:\s+(?:[A-Z][\w'’&.-]*|of|and|the|&|de)){0,5}?"
    r"\s+(?:School|Academy|College|Nursery|Pre-?[Ss]chool|Infants|Juniors)\b"
)
_SCHOOL_LEADING = heuristics.word_set("the a an his her their my our this current previous local mainstream new at")
_SCHOOL_GENERIC = heuristics.word_set(
    "primary secondary high infant infants junior juniors special school academy college nursery community church "
    "of england ce rc catholic c e free grammar sixth form upper lower middle first pre-school preschool and the "
    "mainstream local independent residential day virtual"
)
_SEPARATOR = r"[\s\u00a0]+"
_NAME_CASE = re.compile(r"^[^\w]*[A-Z]")


def field_kind(label: str) -> str | None:
    for pattern, kind in _FIELD_KINDS:
        if pattern.search(label):
            return kind
    return None


@dataclass
class Person:
    kind: str
    first: str | None = None  # may be an initial ("S")
    middles: tuple[str, ...] = ()
    last: str | None = None
    nicknames: set[str] = field(default_factory=set)
    sex: str = ""  # "f"/"m" when a title or role said so
    number: int = 0

    def forms(self) -> list[tuple[str, ...]]:
        """Every way the plan may write this person's name, as tuples of words."""
        firsts = [name for name in (self.first, *sorted(self.nicknames)) if name]
        found: list[tuple[str, ...]] = []
        if self.last:
            for first in firsts:
                found.append((first, *self.middles, self.last))
                found.append((first, self.last))
                found.append((first[0], *(middle[0] for middle in self.middles), self.last))
                found.append((first[0], self.last))
            found.append((self.last,))
        found.extend((first,) for first in firsts if len(first) > 1)
        return list(dict.fromkeys(found))


def _key(words: Iterable[str]) -> str:
    return " ".join(word.replace("’", "'").rstrip(".").casefold() for word in words)


def _same_first(one: str | None, other: str | None) -> bool:
    if not one or not other:
        return True
    if len(one.rstrip(".")) == 1 or len(other.rstrip(".")) == 1:
        return one[0].casefold() == other[0].casefold()
    return one.casefold() == other.casefold()


class People:
    """The people of one plan, merged as they are found and numbered per kind in order of first finding."""

    def __init__(self) -> None:
        self.people: list[Person] = []

    @property
    def child(self) -> Person | None:
        return next((person for person in self.people if person.kind == CHILD), None)

    def _candidates(self, first: str | None, last: str | None, titled: bool, sex: str) -> list[Person]:
        found: list[Person] = []
        for person in self.people:
            if titled and person.kind == CHILD:
                continue  # children are not called Mr or Mrs: "Mrs Bennett" is a parent, not the child
            if sex and person.sex and sex != person.sex:
                continue
            if last:
                same_last = person.last is not None and person.last.casefold() == last.casefold()
                first_only_match = person.last is None and first is not None and person.first == first
                if (same_last and _same_first(first, person.first)) or first_only_match:
                    found.append(person)
            elif first and (person.first == first or first in person.nicknames):
                found.append(person)
        return found

    def add(self, find: heuristics.NameFind, kind: str) -> Person | None:
        words = [word.rstrip(".") for word in find.tokens if word.rstrip(".")]
        if not words:
            return None
        if len(words) == 1:
            first, middles, last = (None, (), words[0]) if find.titled else (words[0], (), None)
        else:
            first, middles, last = words[0], tuple(words[1:-1]), words[-1]
        if first and len(first.rstrip(".")) == 1 and not last:
            return None
        candidates = self._candidates(first, last, find.titled, find.sex)
        if not candidates and first and not last:
            # A lone word that is part of a known name ("James" as a middle name, "Bennett" as a surname, both in
            # the first-name lists too) is that person.
            known = [person for person in self.people if first in (person.last, *person.middles)]
            if known:
                return known[0]
        if not candidates:
            person = Person(kind, first, middles, last, sex=find.sex)
            if find.titled and kind == PERSON and self.child and self.child.last == last:
                person.kind = PARENT  # "Mr Bennett" with the child's surname is a parent
            self.people.append(person)
            return person
        person = min(candidates, key=lambda candidate: PEOPLE_KINDS.index(candidate.kind))
        if person.first is None or (first and len(person.first.rstrip(".")) == 1 and len(first) > 1):
            person.first = first
        person.last = person.last or last
        person.middles = person.middles or middles
        person.sex = person.sex or find.sex
        if PEOPLE_KINDS.index(kind) < PEOPLE_KINDS.index(person.kind) and (kind != CHILD or not self.child):
            person.kind = kind
        return person

    def number(self) -> None:
        counters: dict[str, int] = {}
        for person in self.people:
            counters[person.kind] = counters.get(person.kind, 0) + 1
            person.number = counters[person.kind]


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    kind: str
    label: str


@dataclass(frozen=True)
class Doubt:
    start: int
    end: int
    kind: str
    reason: str


def _flexible(value: str) -> str:
    """A regex for a value written with any spacing; digits and letters of a code may be spaced or hyphenated."""
    words = value.split()
    if re.fullmatch(r"[A-Za-z0-9 -]+", value) and re.search(r"\d", value):
        compact = re.sub(r"[\s-]", "", value)
        return r"[\s-]?".join(re.escape(char) for char in compact)
    return _SEPARATOR.join(re.escape(word).replace("'", "['’]").replace("’", "['’]") for word in words)


class Schools:
    """School and setting names, numbered in order of finding."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def label(self, name: str) -> str:
        key = _key(name.split())
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        return label_text(SCHOOL, number)

    def names_in(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        for match in _SCHOOL.finditer(text):
            words = match.group().split()
            skipped = 0
            while skipped < len(words) - 1 and words[skipped].lower() in _SCHOOL_LEADING:
                skipped += 1
            kept = words[skipped:]
            if all(word.lower().strip(".'’") in _SCHOOL_GENERIC for word in kept):
                continue
            start = match.start() + match.group().index(kept[0])
            found.append((start, match.end(), " ".join(kept)))
        return found


@dataclass
class Redactor:
    """Finds every identifier of one plan in a piece of text. Built by collect(); stateful only in that a school
    first seen while redacting gets the next number."""

    people: People
    literals: list[tuple[str, str, str]]  # (regex, kind, label): the plan's own values in any spacing
    whole_values: dict[str, tuple[str, str]]  # casefolded text -> (kind, label): address lines alone in a cell
    birth: re.Pattern[str] | None
    schools: Schools | None
    _matcher: re.Pattern[str] | None = None
    _forms: dict[str, list[Person]] = field(default_factory=dict)
    _literal_matcher: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self.people.number()
        # One pattern for all literal values (longest first, so a whole address wins over its first line).
        ordered = sorted(enumerate(self.literals), key=lambda item: len(item[1][0]), reverse=True)
        if ordered:
            alternatives = "|".join(f"(?P<v{index}>{regex})" for index, (regex, _, _) in ordered)
            self._literal_matcher = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)
        forms: dict[str, list[Person]] = {}
        for person in self.people.people:
            for form in person.forms():
                forms.setdefault(_key(form), []).append(person)
        self._forms = forms
        alternatives = sorted({_form_pattern(key.split(" ")) for key in forms}, key=len, reverse=True)
        if alternatives:
            self._matcher = re.compile(
                rf"(?<![\w])(?:(?P<title>{heuristics.TITLES})\.?[ \u00a0]+)?(?P<name>{'|'.join(alternatives)})"
                r"(?![\w])",
                re.IGNORECASE,
            )

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        """Name matches written as names. A rejected match ("s green" after an apostrophe, "will") gives way to
        a match starting one character later, so it cannot hide a real one inside it."""
        if self._matcher is None:
            return
        position = 0
        while found := self._matcher.search(text, position):
            words = found.group("name").split()
            if not all(_NAME_CASE.match(word) for word in words):
                position = found.start() + 1  # "will", "grace": a name only when written as one
            elif len(words) == 1 and words[0].lower() in _MONTH_WORDS and _next_to_digits(text, found):
                position = found.end()  # "April 2024" is a date even when someone is called April
            else:
                yield found
                position = found.end()

    def _people_hits(self, text: str) -> tuple[list[Hit], list[Doubt]]:
        kept_as_written = heuristics.condition_spans(text)
        hits: list[Hit] = []
        doubts: list[Doubt] = []
        for found in self._matches(text):
            candidates = self._forms.get(_key(found.group("name").split()), [])
            if found.group("title"):
                candidates = [person for person in candidates if person.kind != CHILD] or candidates
                sex = heuristics.sex_of(found.group("title"))
                candidates = [person for person in candidates if person.sex in ("", sex)] or candidates
            if not candidates:
                continue
            person = min(candidates, key=lambda candidate: PEOPLE_KINDS.index(candidate.kind))
            end = found.end()
            if heuristics.overlaps(found.start("name"), end, kept_as_written):
                doubts.append(Doubt(found.start(), end, person.kind, "name inside a named condition, kept"))
                continue
            if sum(1 for other in candidates if other.kind == person.kind) > 1:
                doubts.append(Doubt(found.start(), end, person.kind, "name shared by more than one person"))
            hits.append(Hit(found.start(), end, person.kind, label_text(person.kind, person.number)))
        return hits, doubts

    def scan(self, text: str) -> tuple[list[Hit], list[Doubt]]:
        """Non-overlapping hits (longest first where they overlap) and the doubts no hit covers."""
        if not text.strip():
            return [], []
        hits: list[Hit] = []
        doubts: list[Doubt] = []
        whole = self.whole_values.get(" ".join(text.split()).casefold())
        if whole:
            hits.append(Hit(len(text) - len(text.lstrip()), len(text.rstrip()), *whole))
        if self._literal_matcher is not None:
            for found in self._literal_matcher.finditer(text):
                _, kind, label = self.literals[int(str(found.lastgroup)[1:])]
                hits.append(Hit(found.start(), found.end(), kind, label))
        noted: list[Doubt] = []  # redacted, and still worth a look
        for found in find_patterns(text, self.birth):
            if found.sure:
                hits.append(Hit(found.start, found.end, found.kind, label_text(found.kind)))
                if found.reason:
                    noted.append(Doubt(found.start, found.end, found.kind, found.reason))
            else:
                doubts.append(Doubt(found.start, found.end, found.kind, found.reason))
        people_hits, people_doubts = self._people_hits(text)
        hits.extend(people_hits)
        doubts.extend(people_doubts)
        if self.schools is not None:
            for start, end, name in self.schools.names_in(text):
                hits.append(Hit(start, end, SCHOOL, self.schools.label(name)))
        _, name_doubts = heuristics.first_name_mentions(text)
        doubts.extend(Doubt(doubt.start, doubt.end, PERSON, doubt.reason) for doubt in name_doubts)
        kept = _without_overlaps(hits)
        return kept, noted + [
            doubt for doubt in doubts if not heuristics.overlaps(doubt.start, doubt.end, _spans(kept))
        ]

    def redact(self, text: str) -> tuple[str, list[Hit], list[Doubt]]:
        hits, doubts = self.scan(text)
        return apply_hits(text, hits), hits, doubts


def _form_pattern(words: Sequence[str]) -> str:
    """One way of writing a name as a regex: an initial may take a dot and may touch the next word ("S.Patel")."""
    pieces: list[str] = []
    for index, word in enumerate(words):
        if index:
            pieces.append(r"[ \u00a0]*" if len(words[index - 1]) == 1 else r"[ \u00a0]+")
        pieces.append(re.escape(word).replace("'", "['’]") + (r"\.?" if len(word) == 1 else ""))
    return "".join(pieces)


def _spans(hits: Sequence[Hit]) -> list[tuple[int, int]]:
    return [(hit.start, hit.end) for hit in hits]


def _next_to_digits(text: str, found: re.Match[str]) -> bool:
    return bool(re.search(r"\d[\s,]*$", text[max(0, found.start() - 6) : found.start()])) or bool(
        re.match(r"[\s,]*\d", text[found.end() :])
    )


def _without_overlaps(hits: Sequence[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda hit: (hit.start, hit.start - hit.end)):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def apply_hits(text: str, hits: Sequence[Hit]) -> str:
    pieces: list[str] = []
    position = 0
    for hit in hits:
        pieces.append(text[position : hit.start])
        pieces.append(hit.label)
        position = hit.end
    pieces.append(text[position:])
    return "".join(pieces)


_LABEL_WORDS_AT_MOST = 6
_NAME_LIKE = re.compile(rf"(?:{heuristics.TITLES}\.?\s+)?{heuristics.NAME_WORD}(?:\s+{heuristics.NAME_WORD})+")
_SCHOOL_WORD = re.compile(r"\b(?:School|Academy|College|Nursery|Pre-?school|Setting)\b", re.IGNORECASE)


def plausible_pair(label: str, value: str, kind: str) -> bool:
    """Is a label/value pair found outside the personal-details table really one? Table rows of a combined
    Need | Outcome | Provision | Frequency table pair up too ("...teaching assistant" | "Weekly"), so the label must
    be short and the value must look like its kind."""
    if len(label.split()) > _LABEL_WORDS_AT_MOST or label.rstrip().endswith((".", "?", "!")):
        return False
    if kind in (CHILD, PARENT, PROFESSIONAL, NICKNAME):
        return bool(_NAME_LIKE.search(value))
    if kind == SCHOOL:
        return bool(_SCHOOL_WORD.search(value)) and bool(re.search(r"\b[A-Z][a-z]", value))
    if kind == EMAIL:
        return "@" in value
    if kind == DATE_OF_BIRTH:
        return parse_date(value) is not None
    return bool(re.search(r"\d", value))


def _address_parts(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,]", value) if part.strip()]


def _school_forms(value: str) -> list[str]:
    """A school field's value and its shorter form without the trailing kind ("Newtown Primary School" also as
    "Newtown Primary")."""
    forms = [value]
    words = value.split()
    while words and words[-1].lower() in {"school", "academy", "college", "nursery"}:
        words = words[:-1]
    if words and not all(word.lower() in _SCHOOL_GENERIC for word in words):
        forms.append(" ".join(words))
    return forms


@dataclass
class _Collector:
    redact_schools: bool
    people: People = field(default_factory=People)
    literals: list[tuple[str, str, str]] = field(default_factory=list)  # (regex, kind, label)
    whole_values: dict[str, tuple[str, str]] = field(default_factory=dict)
    birth: re.Pattern[str] | None = None
    schools: Schools = field(default_factory=Schools)

    def add_literal(self, value: str, kind: str, label: str) -> None:
        if len(value.strip()) >= 3:
            self.literals.append((_flexible(value.strip()), kind, label))

    def add_people(self, value: str, kind: str) -> None:
        for find in heuristics.person_pieces(value):
            self.people.add(find, find.kind or kind)

    def add_field(self, label: str, value: str, *, trusted: bool) -> None:
        """One label/value pair; `trusted` pairs come from the personal-details table the segmenter found."""
        kind = field_kind(label)
        value = value.strip()
        if not kind or not value or (not trusted and not plausible_pair(label, value, kind)):
            return
        if kind == CHILD:
            if trusted and self.people.child is None:
                self.add_people(value.split("\n")[0], CHILD)
            else:
                self.add_people(value, PERSON)
        elif kind == NICKNAME:
            self.add_nickname(value.split()[0] if value.split() else "")
        elif kind in (PARENT, PROFESSIONAL):
            self.add_people(value, kind)
        elif kind == SCHOOL:
            if self.redact_schools:
                label = self.schools.label(value)
                for form in _school_forms(value):
                    self.add_literal(form, SCHOOL, label)
        elif kind == DATE_OF_BIRTH:
            self.add_date_of_birth(value)
        elif kind == ADDRESS:
            self.add_address(value)
        else:
            self.add_literal(value, kind, label_text(kind))

    def add_nickname(self, nickname: str) -> None:
        child = self.people.child
        if child and heuristics.is_name_word(nickname) and nickname != child.first:
            child.nicknames.add(nickname.strip("\"“”'‘’()"))

    def add_date_of_birth(self, value: str) -> None:
        self.add_literal(value, DATE_OF_BIRTH, label_text(DATE_OF_BIRTH))
        birth = parse_date(value)
        if birth and self.birth is None:
            self.birth = date_of_birth_pattern(birth)

    def add_address(self, value: str) -> None:
        parts = _address_parts(value)
        label = label_text(ADDRESS)
        if len(parts) > 1:
            # The whole address in any layout: parts joined by commas, spaces or line breaks.
            self.literals.append((r"[\s,]+".join(_flexible(part) for part in parts), ADDRESS, label))
        for part in parts:
            if re.search(r"\d", part) or re.search(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+\b", part):
                self.add_literal(part, ADDRESS, label)
            self.whole_values[" ".join(part.split()).casefold()] = (ADDRESS, label)

    def redactor(self) -> Redactor:
        return Redactor(
            people=self.people,
            literals=self.literals,
            whole_values=self.whole_values,
            birth=self.birth,
            schools=self.schools if self.redact_schools else None,
        )


def collect(
    metadata: Metadata,
    advice: Sequence[str],
    texts: Sequence[str],
    pairs: Sequence[tuple[str, str]] = (),
    *,
    redact_schools: bool = False,
) -> Redactor:
    """Everything to remove from one plan.

    metadata: the segmenter's metadata (child's name, DOB, the personal-details label/value pairs);
    advice: section K's paragraphs; texts: every paragraph of every part of the file (body, headers, footers,
    notes, comments, properties); pairs: label/value pairs found anywhere else (signature blocks, contact tables).
    """
    collector = _Collector(redact_schools)
    if metadata.child_name:
        collector.add_people(metadata.child_name, CHILD)
    for label, value in metadata.fields:
        collector.add_field(label, value, trusted=True)
    if metadata.date_of_birth:
        collector.add_date_of_birth(metadata.date_of_birth)
    for label, value in pairs:
        collector.add_field(label, value, trusted=False)
    for paragraph in advice:
        for find in heuristics.advice_names(paragraph):
            collector.people.add(find, find.kind)
    child = collector.people.child
    for text in texts:
        for nickname in heuristics.nicknames(text):
            collector.add_nickname(nickname)
        if child and child.first:
            for found in re.finditer(rf"\b{re.escape(child.first)}\s*\(\s*[\"“']?([A-Z][a-z]+)[\"”']?\s*\)", text):
                collector.add_nickname(found.group(1))
    for text in texts:
        for find in (*heuristics.titled_names(text), *heuristics.role_names(text)):
            collector.people.add(find, find.kind)
        for find in heuristics.first_name_mentions(text)[0]:
            collector.people.add(find, find.kind)
        if redact_schools:
            for _, _, name in collector.schools.names_in(text):
                collector.schools.label(name)
    return collector.redactor()
