"""Name heuristics without a trained model: titles, roles next to names, known first names, and the words that look
like names but are not (months, conditions named after people, class and school names).

Each finder returns NameFind values: the tokens of a person's name and what kind of person the context says they
are. Replacement is done later, from the collected people, so every mention gets the same label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ehcp_qa.redact.first_names import FIRST_NAMES, WORD_LIKE_FIRST_NAMES
from ehcp_qa.redact.labels import PARENT, PERSON, PROFESSIONAL


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string (long vocabularies read better that way)."""
    return frozenset(words.split())


TITLES = r"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sir|Dame|Rev|Revd)"
TITLE_WORDS = word_set("dr mr mrs ms miss mx prof professor sir dame rev revd")
PROFESSIONAL_TITLES = frozenset({"dr", "prof", "professor"})
# A name word: capitalised, with O'Brien, McDonald and Smith-Jones shapes; an initial is handled apart.
NAME_WORD = r"[A-Z][a-z]*(?:['’][A-Z][a-z]+|[A-Z][a-z]+)*(?:-[A-Z][a-z]+)*"
INITIAL = r"[A-Z]\.?"
NAME_PARTICLES = frozenset({"van", "von", "der", "de", "da", "di", "le", "la", "bin", "binti", "al", "el", "ul"})

# Words that are roles, services, places of learning or plan vocabulary: never part of a person's name, so they end
# a name run and a "name" made with them is an organisation or a role.
ORG_ROLE_WORDS = word_set(
    "advice advisory adviser advisor report reports assessment assessments service services team teams school "
    "schools academy college nursery trust council county city borough district nhs hospital hospitals infirmary "
    "clinic centre center foundation partnership partnerships healthcare federation alliance network charity "
    "society association institute university group cic ltd limited educational education psychology "
    "psychologist psychological speech language therapy therapist therapists occupational physiotherapy "
    "physiotherapist paediatric paediatrician paediatrics community consultant nurse nursing health visitor "
    "visiting home social care worker work children childrens child young people person parent parents carer "
    "carers forum views view information section sections appendix senco sendco send sen ehc ehcp plan plans "
    "needs need special teacher teaching assistant head headteacher deputy class form tutor key lead specialist "
    "support outreach inclusion autism autistic camhs mental cognition learning communication interaction sensory "
    "physical visual hearing impairment disabilities disability family families early help primary secondary "
    "infant infants junior juniors high grammar unit resource base local authority department year years term "
    "stage reception room house ward portage dated date received requested provided none yes no the and of for "
    "from by with to in on at a an my his her their our your this that these those all about me what who how why "
    "when where which mum mother dad father nan nana gran grandma grandad granddad grandmother grandfather aunt "
    "auntie uncle brother sister cousin friend doctor madam dear signed name names role roles contact telephone "
    "phone email address postcode birth number outcome outcomes provision placement budget personal direct "
    "payment payments aspiration aspirations interests strengths annual review draft final amended"
)
# Vocabulary words that are common surnames too: after a title or in a named field they are a name ("Ms Ward").
SURNAMES_TOO = word_set("ward house young head key home care lead law day")
NAME_FIELD_STOP_WORDS = ORG_ROLE_WORDS - SURNAMES_TOO
_CALENDAR_AND_OTHER = (
    "january february march april may june july august september october november december jan feb mar apr jun "
    "jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday autumn spring summer "
    "winter christian catholic muslim jewish hindu sikh english british french german polish spanish italian urdu "
    "punjabi bengali arabic maths science history geography music art pe ict reading writing spelling phonics "
    "royal saint st trinity jesus christ god church chapel mosque temple amber rag easter christmas halloween "
    "diwali eid ramadan hanukkah"
)
# For names guessed without a title: calendar, faith, language and subject words are capitalised but not people.
NOT_NAMES = ORG_ROLE_WORDS | word_set(_CALENDAR_AND_OTHER)
# Named conditions, tests and schemes used on their own ("Asperger's", "Makaton"): never a person.
STANDALONE_EPONYMS = word_set(
    "asperger aspergers tourette tourettes crohn crohns perthes hirschsprung duchenne angelman rett dravet "
    "kawasaki raynaud makaton numicon elklan widgit boardmaker wechsler conners vineland bayley"
)
# Conditions named after people whose names are common surnames too ("Williams syndrome", "Turner syndrome") are
# kept only when the condition word follows, so "Mrs Williams" is still a person.
_CONDITION_WORDS = r"syndrome|disease|disorder|palsy|dystrophy|anomaly|sequence|phenomenon|paralysis|reflex"
# Name parts are matched case-sensitively: NAME_WORD under IGNORECASE would backtrack without end on long words.
_CONDITION = re.compile(rf"\b(?:{NAME_WORD})(?:['’]s)?(?:[- ](?:{NAME_WORD})(?:['’]s)?)?\s+(?i:{_CONDITION_WORDS})\b")
# Capitalised words before these are a place, a class or a service, not a person ("Robin Class", "St Mary's").
_PLACE = re.compile(
    rf"\b(?:St\.?|Saint)\s+{NAME_WORD}(?:['’]s)?"
    rf"|\b{NAME_WORD}\s+(?:Class|Group|Room|House|Base|Unit|Ward|Hub|Team|Centre|Center|Clinic|Hospital|"
    rf"Infirmary|School|Academy|College|Nursery|Road|Street|Avenue|Lane|Park)\b"
)

PARENT_ROLES = (
    r"mum|mom|mother|dad|father|step-?mum|step-?mother|step-?dad|step-?father|parent|carer|foster\s+carer|"
    r"guardian|adoptive\s+(?:mum|dad|mother|father|parent)"
)
FAMILY_ROLES = (
    r"brother|sister|half-?brother|half-?sister|step-?brother|step-?sister|sibling|twin|grandmother|grandfather|"
    r"grandma|grandad|granddad|gran|nan|nana|grandparent|aunt|auntie|uncle|cousin|friend|best\s+friend|"
    r"partner|boyfriend|girlfriend|neighbour"
)
PROFESSIONAL_ROLES = (
    r"teacher|class\s+teacher|form\s+tutor|tutor|senco|sendco|teaching\s+assistant|\bta\b|lsa|key\s*worker|"
    r"social\s+worker|therapist|salt|\bot\b|physiotherapist|physio|psychologist|\bep\b|paediatrician|consultant|"
    r"nurse|health\s+visitor|\bgp\b|doctor|case\s*worker|case\s+officer|co-?ordinator|head\s*teacher|"
    r"deputy\s+head|mentor|practitioner|officer|manager|adviser|advisor|specialist|audiologist|optometrist|"
    r"orthoptist|dietitian|dietician|psychiatrist|clinician|support\s+worker|family\s+worker|lead\s+professional|"
    r"principal|head\s+of\s+\w+|interpreter|counsellor|youth\s+worker|personal\s+adviser"
)
_ROLE = rf"(?P<role>{PARENT_ROLES}|{FAMILY_ROLES}|{PROFESSIONAL_ROLES})"
_NAME_RUN = rf"(?P<name>{NAME_WORD}(?:[ \u00a0]+{NAME_WORD}){{0,2}})"
_TITLED = re.compile(
    rf"(?<![\w])(?P<title>{TITLES})\.?[ \u00a0]+(?P<name>(?:{INITIAL}[ \u00a0]*){{0,2}}{NAME_WORD}"
    rf"(?:[ \u00a0]+{NAME_WORD}){{0,2}})"
)
_NAME_THEN_ROLE = re.compile(
    rf"(?<![\w]){_NAME_RUN}[ \u00a0]*(?:\(|,|[–—-])[ \u00a0]*(?:(?:the|his|her|their|[A-Za-z]+['’]s)[ \u00a0]+)?"
    rf"(?:[A-Za-z-]+[ \u00a0]+){{0,4}}?(?i:{_ROLE})\b"
)
_ROLE_THEN_NAME = re.compile(
    rf"\b(?i:{_ROLE})[ \u00a0]*,?[ \u00a0]+(?:(?:is|was|called|named)[ \u00a0]+)?{_NAME_RUN}(?![\w])"
)
_CAPITALISED_RUN = re.compile(rf"(?<![\w])(?:{INITIAL}[ \u00a0]+)?{NAME_WORD}(?:[ \u00a0]+{NAME_WORD}){{1,2}}(?![\w])")
_CANDIDATE_WORD = re.compile(rf"(?<![\w'’]){NAME_WORD}(?![\w])")
_ITEM_BEFORE = re.compile(r"(?:^|[–—:(]|\s-|\bby|\bfrom)\s*$")
_ITEM_AFTER = re.compile(r"\s*(?:$|[,(–—;]|\s-)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•\-–—\"“(]\s*|\n\s*)$")
_NICKNAME = re.compile(
    r"(?:known\s+as|prefers\s+to\s+be\s+called|likes\s+to\s+be\s+called|preferred\s+name(?:\s+is)?|"
    r"nickname(?:\s+is)?)\s*[:\-–]?\s*[\"“‘']?(?P<name>(?-i:[A-Z][a-z]+))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NameFind:
    tokens: tuple[str, ...]  # name words without the title, as written
    kind: str  # PARENT, PROFESSIONAL or PERSON (the child is known from the plan's fields, not guessed)
    titled: bool = False  # came after Dr/Mr/Mrs...: a single token is then a surname
    sex: str = ""  # "f" or "m" when a title or role says so (Mrs, mum): tells "Mrs Bennett" from "Mr Bennett"


@dataclass(frozen=True)
class NameDoubt:
    start: int
    end: int
    reason: str


_FEMALE = re.compile(
    r"^(?:mrs|ms|miss|dame|mum|mom|mother|step-?mum|step-?mother|nan|nana|gran|grandma|grandmother|"
    r"aunt|auntie|sister|half-?sister|step-?sister|girlfriend)$",
    re.IGNORECASE,
)
_MALE = re.compile(
    r"^(?:mr|sir|dad|father|step-?dad|step-?father|grandad|granddad|grandfather|uncle|brother|"
    r"half-?brother|step-?brother|boyfriend)$",
    re.IGNORECASE,
)


def sex_of(word: str) -> str:
    """ "f" or "m" when a title or family role says so, else ""."""
    word = word.strip().rstrip(".")
    return "f" if _FEMALE.match(word) else "m" if _MALE.match(word) else ""


def kind_for_role(role: str) -> str:
    lowered = role.lower()
    if re.fullmatch(PARENT_ROLES, lowered):
        return PARENT
    if re.fullmatch(FAMILY_ROLES, lowered):
        return PERSON
    return PROFESSIONAL


def is_name_word(token: str, vocabulary: frozenset[str] = NOT_NAMES) -> bool:
    """Could this capitalised word be part of a person's name? Initials always can."""
    lowered = token.rstrip(".").lower()
    if len(lowered) == 1:
        return True
    return lowered not in vocabulary and lowered not in STANDALONE_EPONYMS and lowered not in TITLE_WORDS


def condition_spans(text: str) -> list[tuple[int, int]]:
    """Conditions, tests and schemes named after people: kept as written even when a known person shares the name."""
    spans = [(found.start(), found.end()) for found in _CONDITION.finditer(text)]
    spans.extend(
        (found.start(), found.end())
        for found in _CANDIDATE_WORD.finditer(text)
        if found.group().lower() in STANDALONE_EPONYMS
    )
    return spans


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans where a capitalised word is not guessed to be a person: conditions, saints, classes and places."""
    return condition_spans(text) + [(found.start(), found.end()) for found in _PLACE.finditer(text)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _name_tokens(run: str, vocabulary: frozenset[str] = NOT_NAMES) -> tuple[str, ...]:
    """The leading name words of a run, stopping at the first word that is never a name."""
    tokens: list[str] = []
    for token in run.split():
        if not is_name_word(token, vocabulary):
            break
        tokens.append(token)
    return tuple(tokens)


def titled_names(text: str) -> Iterator[NameFind]:
    """ "Dr S Patel", "Mrs Brown", "Mr. John Smith": a title then an initial or two and name words.

    After a title a word such as "Ward" or "House" is a surname, not a place ("Mr Ian Ward"): only a named
    condition is kept."""
    protected = condition_spans(text)
    for found in _TITLED.finditer(text):
        # After a title any capitalised word is a surname ("Mrs Brown", "Mr King"); only roles end the run.
        tokens = _name_tokens(found.group("name"), NAME_FIELD_STOP_WORDS)
        if not tokens or all(len(token.rstrip(".")) == 1 for token in tokens):
            continue
        if overlaps(found.start("name"), found.end("name"), protected):
            continue
        title = found.group("title")
        kind = PROFESSIONAL if title.lower() in PROFESSIONAL_TITLES else PERSON
        yield NameFind(tokens, kind, titled=True, sex=sex_of(title))


def role_names(text: str) -> Iterator[NameFind]:
    """Names next to a role: "Sarah Bennett (mum)", "Jane Doe, Speech and Language Therapist", "his sister Emily"."""
    protected = protected_spans(text)
    for pattern in (_NAME_THEN_ROLE, _ROLE_THEN_NAME):
        for found in pattern.finditer(text):
            words = found.group("name").split()
            if overlaps(found.start("name"), found.end("name"), protected):
                continue
            title = words[0] if words[0].lower() in TITLE_WORDS else ""
            tokens = _name_tokens(
                " ".join(words[1:] if title else words), NAME_FIELD_STOP_WORDS if title else NOT_NAMES
            )
            role = re.sub(r"\s+", " ", found.group("role"))
            if tokens and any(len(token) > 1 for token in tokens):
                yield NameFind(tokens, kind_for_role(role), bool(title), sex_of(title) or sex_of(role))


def advice_names(text: str) -> Iterator[NameFind]:
    """Names in section K's list of advice: titled names, names next to roles, and runs of two or three name words
    that are not an organisation ("Newtown Primary School" is not a person; "Jane Doe" is) and either start with a
    known first name or stand as an item of the list ("– Olu Adeyemi, 3 May 2024"). Everyone here is an adviser
    unless a role says otherwise."""
    for find in (*titled_names(text), *role_names(text)):
        yield find if find.kind != PERSON else NameFind(find.tokens, PROFESSIONAL, find.titled, find.sex)
    protected = protected_spans(text)
    for found in _CAPITALISED_RUN.finditer(text):
        tokens = found.group().split()
        if not all(is_name_word(token) for token in tokens) or overlaps(found.start(), found.end(), protected):
            continue
        known_first = tokens[0] in FIRST_NAMES or tokens[0] in WORD_LIKE_FIRST_NAMES
        list_item = bool(_ITEM_BEFORE.search(text[: found.start()])) and bool(_ITEM_AFTER.match(text[found.end() :]))
        if known_first or list_item:
            yield NameFind(tuple(tokens), PROFESSIONAL)


def first_name_mentions(text: str) -> tuple[list[NameFind], list[NameDoubt]]:
    """Known first names written as names ("plays with Jacob", "Jacob Smith said"), with a following surname.

    A first name that is also an everyday word ("Grace", "Will") is only flagged, and only mid-sentence.
    """
    protected = protected_spans(text)
    finds: list[NameFind] = []
    doubts: list[NameDoubt] = []
    for found in _CANDIDATE_WORD.finditer(text):
        word = found.group()
        if overlaps(found.start(), found.end(), protected) or not is_name_word(word):
            continue
        if word in FIRST_NAMES:
            tokens = [word]
            following = re.match(rf"[ \u00a0]+({NAME_WORD})(?![\w])", text[found.end() :])
            if following and is_name_word(following.group(1)) and following.group(1) not in FIRST_NAMES:
                tokens.append(following.group(1))
            finds.append(NameFind(tuple(tokens), PERSON))
        elif word in WORD_LIKE_FIRST_NAMES and not _SENTENCE_START.search(text[: found.start()]):
            doubts.append(NameDoubt(found.start(), found.end(), "capitalised word that is also a first name"))
    return finds, doubts


def nicknames(text: str) -> Iterator[str]:
    """Names the plan says the child goes by: "known as Ollie", "prefers to be called Ollie"."""
    for found in _NICKNAME.finditer(text):
        if is_name_word(found.group("name")):
            yield found.group("name")


def person_pieces(value: str) -> Iterator[NameFind]:
    """People in a personal-details value: "Mrs Sarah Bennett (mother) and Mr Mark Bennett", "Sarah and Mark Bennett".

    A piece made of anything but name words (an organisation, a role) is not a person.
    """
    pieces: list[tuple[list[str], str, str]] = []  # (name words, title, role)
    for raw in re.split(r"\s+(?:and|&)\s+|[;,/\n]|\s+[–—-]\s+", value):
        role_match = re.search(r"\(([^)]*)\)", raw)
        role = role_match.group(1).strip() if role_match else ""
        words = re.sub(r"\([^)]*\)", " ", raw).split()
        title = words[0] if words and words[0].rstrip(".").lower() in TITLE_WORDS else ""
        if title:
            words = words[1:]
        if not words or len(words) > 5:
            continue
        if not all(
            re.fullmatch(NAME_WORD, word.rstrip(".")) or re.fullmatch(INITIAL, word) or word in NAME_PARTICLES
            for word in words
        ) or not all(is_name_word(word, NAME_FIELD_STOP_WORDS) for word in words):
            continue
        pieces.append((words, title, role))
    for index, (words, title, role) in enumerate(pieces):
        # "Sarah and Mark Bennett": a lone first name takes the surname of the next piece.
        if len(words) == 1 and not title and index + 1 < len(pieces) and len(pieces[index + 1][0]) > 1:
            words = [*words, pieces[index + 1][0][-1]]
        kind = kind_for_role(role) if re.search(rf"\b(?:{_ROLE})\b", role, re.IGNORECASE) else ""
        yield NameFind(tuple(words), kind, bool(title), sex_of(title) or sex_of(role))
