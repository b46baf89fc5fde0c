"""medical-term: a diagnosis or medical term named with no plain-English explanation near it (Vale's
"conditional" check: if X appears, its explanation must appear too).

A term counts as explained when
  - its clause, or the next sentence, has an explanation cue (`explained_by`: "which means", "this affects", "is
    a condition", "for Sam this means", ", so he"), and no other term comes between (clauses are cut at ";" and
    ", and"), and no look-alike covers the cue (`not_explained_by`: "when he was four months old"),
  - a description comes right before it ("her emergency medicine, buccal midazolam, ..."), it is in brackets
    after its everyday name ("long sight (hypermetropia)"), or it is in quotation marks as the everyday name of
    what the sentence describes ("If her blood sugar drops too low she has a “hypo”"),
  - a gloss follows it: words in brackets that are more than another name for it, words after a dash or colon
    ("Epilepsy - Sam has seizures ..."), an appositive (", a small tube that ...") or a relative clause
    (", which controls his seizures"); terms inside that gloss count as explained too,
  - another cell of its table row says something ("Epilepsy | Sam has short seizures ..."), or
  - it is explained in one of `explained_in` (section B describes needs: there a term counts as explained when
    its sentence or the next says how the child is affected, `impact_words`: "finds it hard", "especially").
A term naming a service ("the cleft team", `service_words`) is not the child's condition.
Expanding an acronym ("ADHD (Attention Deficit Hyperactivity Disorder)") is not an explanation: both names are
the same glossary entry. A negated term ("no diagnosis of autism") is not reported, nor an everyday name for a
condition ("hearing loss", "eye test": an alias made of words that the glossary's own plain-English notes use
often). Each term is reported once, at its first mention, when none of its mentions is explained.

`terms: glossary` reports glossary terms (and misspellings of them, by rapidfuzz); `terms: fallback` reports words
that look medical but are not in the glossary: suffixes such as -itis, -osis, -aemia, -plegia, prefixes such as
dys- and hypo-, medicine-name stems such as -prazole or -oxetine, and names ending in "syndrome", "disorder",
"disease" or "palsy".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz, process
from spacy.tokens import Doc, Span, Token

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup
from ehcp_qa.checks.glossary import GlossaryMatcher, Term, parse_glossary
from ehcp_qa.checks.phrases import PhraseList, gloss_after
from ehcp_qa.checks.units import is_label, row_key, table_rows
from ehcp_qa.model import Block, Section
from ehcp_qa.nlp import is_known_word

_GLOSS_OPEN = ("(", "[", "-", "–", "—", ":", ";")
# "a gastrostomy, a small tube that goes into her stomach", "valproate, which controls his seizures"
_APPOSITIVE = frozenset({"a", "an", "which", "where"})
_RELATIVE = frozenset({"that", "which", "who"})  # ", plastic splints that fit inside his shoes": what it is
_GLOSS_CLOSE = (")", "]")
_EXPLAINING_OPENERS = ("(", "[", ",", "–", "—")
# After these a gloss may be a statement about the child's care instead ("Epilepsy – under review by neurology").
_STATEMENT_OPENERS = frozenset({";", ":", "-", "–", "—"})
_CLAUSE_JOINERS = frozenset({"and", "but", "while", "whereas", "although"})
# These after the comma open another clause, not a gloss; ", for which she takes azathioprine" says what is done
# for the term, not what it is.
_NOT_A_GLOSS = _CLAUSE_JOINERS | {"for"}
# A clause opening with these carries on about the term before ("epilepsy, and her seizures come when ...").
_POINTING = frozenset({"this", "these", "it", "that"})
_POINTING_WITHIN = 4
_WHEN_WORDS = 10
_BRACKETED_NAME_WORDS = 8  # "ADHD (Attention Deficit Hyperactivity Disorder)": a long name fits in this many words
# A clause starting so refers back to the term before it ("...; for him it means", "...; this makes").
_REFERRING = frozenset({"this", "these", "it", "its", "they", "their", "his", "her", "which", "so", "for"})
# "... autistic in 2021; she takes what people say literally": a statement about the child after a semicolon.
_CHILD = frozenset({"he", "she", "they"})
_CHILD_WITHIN = 3
_JOINERS = {"'s", "’s", "-"}  # inside a name: "Tourette's", "Pallister-Killian"
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a section, with its block (explanations may sit in the next block)."""

    block: Block
    span: Span
    label: bool  # the block is a heading or a short label line: its explanation is the whole next block


@dataclass(frozen=True)
class Fallback:
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]  # "dys", "hypo": dysautonomia, hypogonadism
    heads: frozenset[str]  # "syndrome", "disorder": the last word of a medical name
    ignore: frozenset[str]  # everyday words with a medical-looking ending ("diagnosis", "empathy")
    min_length: int


@dataclass(frozen=True)
class MedicalCheck:
    glossary: GlossaryMatcher
    kinds: frozenset[str]
    everyday: frozenset[str]  # glossary names (lower case) that are everyday English
    report: str  # "glossary" or "fallback"
    explained_by: PhraseList
    explained_in: tuple[str, ...]
    impact_words: PhraseList  # in `explained_in` sections, a next sentence with these says how the child is affected
    negations: PhraseList
    described_by: frozenset[str]  # "her emergency medicine, buccal midazolam": the words before say what it is
    service_words: frozenset[str]  # "cleft team", "diabetes nurse": a term before these names a service
    not_explained_by: PhraseList  # cue look-alikes: "when he was four months old" is a time, not an effect
    not_an_effect: PhraseList  # "; she is seen by the clinic yearly": care the child gets, not how it affects her
    negation_window: int
    gloss_min_words: int
    neighbour_cue_within: int  # a neighbouring sentence explains the term only with a cue this near its start
    fuzzy_score: int  # 0 turns misspelling matches off
    fallback: Fallback | None


def everyday_names(terms: Sequence[Term], min_entries: int, never: frozenset[str]) -> frozenset[str]:
    """Aliases made only of words that at least `min_entries` plain-English notes use ("hearing loss"), less
    those with a word from `never` ("disorder") or a word that is itself a one-word glossary name."""
    uses = Counter(word for term in terms for word in set(_WORD.findall(term.plain.lower())))
    names = {name.lower() for term in terms for name in (term.term, *term.aliases) if " " not in name}
    common = {word for word, count in uses.items() if count >= min_entries} - names - never
    return frozenset(
        alias.lower()
        for term in terms
        for alias in term.aliases
        if (words := _WORD.findall(alias.lower())) and all(word in common for word in words)
    )


def compile_medical(params: Params, setup: Setup) -> MedicalCheck:
    glossary_file = params.string("glossary")
    terms = parse_glossary(setup.data_file(glossary_file), glossary_file)
    report = params.choice("terms", ("glossary", "fallback"))
    fallback = None
    if report == "fallback" or params.has("suffixes"):  # a glossary rule uses them to see other terms
        fallback = Fallback(
            suffixes=tuple(
                suffix.lower() for suffix in (*params.strings("suffixes"), *params.strings("medicine_suffixes", ()))
            ),
            prefixes=tuple(prefix.lower() for prefix in params.strings("prefixes", ())),
            heads=frozenset(word.lower() for word in params.strings("heads")),
            ignore=frozenset(word.lower() for word in params.strings("ignore", ())),
            min_length=params.integer("min_length", 7, minimum=3),
        )
    kinds = params.strings("kinds", ())
    return MedicalCheck(
        glossary=GlossaryMatcher.build(terms),
        kinds=frozenset(kinds) if kinds else frozenset(term.kind for term in terms),
        everyday=everyday_names(
            terms,
            params.integer("everyday_min_entries", 3, minimum=1),
            frozenset(word.lower() for word in params.strings("never_everyday", ())),
        )
        | frozenset(name.lower() for name in params.strings("everyday_names", ())),
        report=report,
        explained_by=PhraseList.build("explained_by", params.strings("explained_by")),
        explained_in=params.strings("explained_in", ()),
        impact_words=PhraseList.build("impact_words", params.strings("impact_words", ())),
        negations=PhraseList.build("negations", params.strings("negations", ())),
        described_by=frozenset(word.lower() for word in params.strings("described_by", ())),
        service_words=frozenset(word.lower() for word in params.strings("service_words", ())),
        not_explained_by=PhraseList.build("not_explained_by", params.strings("not_explained_by", ())),
        not_an_effect=PhraseList.build("not_an_effect", params.strings("not_an_effect", ())),
        negation_window=params.integer("negation_window", 4),
        gloss_min_words=params.integer("gloss_min_words", 3, minimum=1),
        neighbour_cue_within=params.integer("neighbour_cue_within", 6, minimum=1),
        fuzzy_score=params.integer("fuzzy_score", 0) if report == "glossary" else 0,
        fallback=fallback,
    )


@dataclass(frozen=True)
class _Found:
    key: str  # the glossary term, or the words themselves for fallback terms
    span: Span
    term: Term | None


def _misspelt(token: Token, names: Sequence[str], score: int) -> int | None:
    """The index of the glossary name this unknown word is a misspelling of, if any."""
    word = token.lower_
    if score == 0 or not token.is_alpha or len(word) < 6 or is_known_word(word):
        return None
    best = process.extractOne(word, names, scorer=fuzz.ratio, score_cutoff=score)
    # A word inside the name or the name inside it is another word, not a typo ("continence", "incontinence").
    if best is None or word in best[0] or best[0] in word:
        return None
    return best[2]


def _glossary_terms(doc: Doc, check: MedicalCheck) -> Iterator[_Found]:
    mentions = list(check.glossary.mentions(doc, doc.text))
    for mention in mentions:
        if mention.term.kind in check.kinds and mention.span.text.lower() not in check.everyday:
            yield _Found(mention.term.term, mention.span, mention.term)
    if not check.fuzzy_score:
        return
    taken = {i for mention in mentions for i in range(mention.span.start, mention.span.end)}
    single = [
        (name.lower(), term)
        for term in check.glossary.terms
        for name in (term.term, *term.aliases)
        if " " not in name and term.kind in check.kinds
    ]
    names = [name for name, _ in single]
    for token in doc:
        if token.i not in taken and (index := _misspelt(token, names, check.fuzzy_score)) is not None:
            term = single[index][1]
            yield _Found(term.term, doc[token.i : token.i + 1], term)


def _name_before(doc: Doc, head: int, taken: set[int]) -> int:
    """Where a capitalised name before a head word starts ("Tourette's syndrome", "Pallister-Killian syndrome")."""
    start = head
    while start > 0 and start - 1 not in taken:
        previous = doc[start - 1]
        if previous.lower_ in _JOINERS and start > 1:
            previous = doc[start - 2]
        if not (previous.is_alpha and previous.text[:1].isupper() and not previous.is_stop):
            break
        start = previous.i
    return start


def _fallback_terms(doc: Doc, check: MedicalCheck) -> Iterator[_Found]:
    fallback = check.fallback
    assert fallback is not None  # compile_medical sets it for `terms: fallback`
    taken = {
        i for mention in check.glossary.mentions(doc, doc.text) for i in range(mention.span.start, mention.span.end)
    }
    for token in doc:
        word = token.lower_
        if token.i in taken or not token.is_alpha or word in fallback.ignore:
            continue
        if word in fallback.heads:
            start = _name_before(doc, token.i, taken)
            if start < token.i:
                name = doc[start : token.i + 1]
                yield _Found(name.text.lower(), name, None)
        elif len(word) >= fallback.min_length and (
            word.endswith(fallback.suffixes) or word.startswith(fallback.prefixes)
        ):
            yield _Found(word, doc[token.i : token.i + 1], None)


def _gloss_span(doc: Doc, mention: Span, same_term: Sequence[Span], describing: frozenset[str]) -> Span | None:
    """Words in brackets, after a dash, colon or semicolon, an appositive (", a small tube that ...") or a relative
    clause (", which controls his seizures") right after the term (past any other name for it); None when there is
    none or it only gives another name for the term."""
    end = mention.end
    for other in same_term:  # "Attention Deficit Hyperactivity Disorder (ADHD) - ...": skip "(ADHD)"
        if other.start == end + 1 and other.end < len(doc) and doc[end].text in "([" and doc[other.end].text in ")]":
            end = other.end + 1
    appositive = (
        end + 1 < len(doc)
        and doc[end].text == ","
        and (
            doc[end + 1].lower_ in _APPOSITIVE
            or doc[end + 1 : end + 3].text.lower() == "in which"
            or (
                doc[end + 1].lower_ not in _NOT_A_GLOSS
                and (
                    any(t.lower_ in describing for t in doc[end + 1 : end + 4])
                    or any(t.lower_ in _RELATIVE for t in doc[end + 2 : end + 6])
                )
            )
        )
    )
    if not appositive:
        end = _past_when(doc, end)
    gloss = gloss_after(doc, end, (",",) if appositive else _GLOSS_OPEN, _GLOSS_CLOSE)
    if gloss is None or any(other.start < gloss.end and gloss.start < other.end for other in same_term):
        return None
    return gloss


def _first_part(span: Span) -> Span:
    """The span up to its first punctuation mark (inside-word hyphens and apostrophes aside)."""
    end = next((t.i for t in span if t.is_punct and t.text not in _JOINERS), span.end)
    return span.doc[span.start : end]


def _past_when(doc: Doc, end: int) -> int:
    """Past a few words of time or place between a term and its gloss ("autism in 2022: he takes words
    literally", "grommets fitted in 2017 – tiny tubes ...", "glue ear last winter (fluid behind the eardrum)",
    "anxiety, diagnosed in 2024: her heart races"): up to the dash, colon or bracket, if no other punctuation
    comes first."""
    start = end + 1 if end < len(doc) and doc[end].text == "," else end
    for i in range(start, min(start + _WHEN_WORDS, len(doc))):
        if doc[i].text in (":", "–", "—", "("):
            return i if i > start else end
        if doc[i].is_punct and doc[i].text not in _JOINERS:
            break
    return end


def _gloss(doc: Doc, mention: Span, same_term: Sequence[Span], check: MedicalCheck) -> bool:
    """A gloss of enough words that is not the next item of a list ("Pierre Robin sequence; palatoplasty ...")."""
    gloss = _gloss_span(doc, mention, same_term, check.described_by)
    if gloss is None or sum(not token.is_punct for token in gloss) < check.gloss_min_words:
        return False
    if doc[gloss.start - 1].text in _STATEMENT_OPENERS and check.not_an_effect.find(_first_part(gloss)):
        return False  # "Tourette syndrome; he is seen by the clinic", "X – see OT report": care, not a gloss
    first = next((token.i for token in gloss if not token.is_punct), gloss.start)
    # Another term between this one and the gloss (not another name for it, nor its kind: "epilepsy with
    # tonic-clonic seizures – he falls ..."), or at its start, is what the gloss explains.
    names = {span.start for span in same_term}
    if mention.end + 1 < len(doc) and doc[mention.end].lower_ == "with":
        names.add(mention.end + 1)
    return not any(
        span.start == first or (mention.end <= span.start < gloss.start and span.start not in names)
        for span in _term_like(doc, check)
    )


def _named_before(doc: Doc, mention: Span, same_term: Sequence[Span]) -> bool:
    """The term in brackets after its everyday name: "long sight (hypermetropia)", "too low (a “hypo”)"."""
    start, end = mention.start, mention.end
    while start > 0 and (doc[start - 1].is_quote or doc[start - 1].lower_ in _APPOSITIVE):
        start -= 1
    while end < len(doc) and doc[end].is_quote:
        end += 1
    if start < 2 or end >= len(doc) or doc[start - 1].text != "(" or doc[end].text != ")":
        return False
    before = doc[start - 2]
    return before.is_alpha and not any(other.start <= before.i < other.end for other in same_term)


def _bracketed_after(mention: Span, opening: str, closing: str) -> Span | None:
    """The words in brackets right after the term, if they close within `_BRACKETED_NAME_WORDS`."""
    doc, end = mention.doc, mention.end
    if end >= len(doc) or doc[end].text not in opening:
        return None
    window = doc[end + 1 : end + 1 + _BRACKETED_NAME_WORDS]
    close = next((token.i for token in window if token.text in closing), None)
    return None if close is None else doc[end + 1 : close]


def _everyday_name_after(mention: Span, everyday: frozenset[str]) -> bool:
    """The term's everyday name in brackets after it: "myopia (short sight)" says what it is in plain English, as
    "long sight (hypermetropia)" does the other way round."""
    inside = _bracketed_after(mention, "([", ")]")
    return inside is not None and inside.text.lower() in everyday


def _in_quotes(doc: Doc, mention: Span) -> bool:
    """A term in quotation marks is being introduced by its everyday name, with the words around it saying what
    it is: "If her blood sugar drops too low she has a “hypo”"."""
    start, end = mention.start, mention.end
    return start > 0 and end < len(doc) and doc[start - 1].is_quote and doc[end].is_quote


def _names_a_service(doc: Doc, mention: Span, check: MedicalCheck) -> bool:
    """A term naming a team or clinic ("the cleft team", "the CAMHS eating disorders nurse"), not the child's
    condition."""
    after = mention.end + (mention.end < len(doc) and doc[mention.end].text in _JOINERS)  # "the physio's report"
    return after < len(doc) and doc[after].lower_ in check.service_words


def _described_before(doc: Doc, mention: Span, described_by: frozenset[str]) -> bool:
    """A term named after what it is and a comma: "her emergency medicine, buccal midazolam, ..."."""
    start = mention.start
    return start >= 2 and doc[start - 1].text == "," and doc[start - 2].lower_ in described_by


def _has_cue(span: Span, check: MedicalCheck, mention: Span | None = None, within: int | None = None) -> bool:
    """An explanation cue in the span (starting within its first `within` words), outside the term itself and not
    part of a look-alike ("when he was four months old")."""
    false_cues = check.not_explained_by.find(span)
    return any(
        (mention is None or not (mention.start <= cue.start and cue.end <= mention.end))
        and (within is None or cue.start - span.start < within)
        and not any(other.start < cue.end and cue.start < other.end for other in false_cues)
        for cue in check.explained_by.find(span)
    )


def _clauses(sentence: Span) -> list[Span]:
    """The sentence cut at a semicolon or at ", and" / ", but" / ", while": one clause per statement."""
    cuts = [sentence.start]
    for token in sentence[:-1]:
        following = sentence.doc[token.i + 1]
        if token.text == ";":
            cuts.append(token.i + 1)
        elif token.text == "," and following.lower_ in _CLAUSE_JOINERS:
            cuts.append(token.i + 2)  # the clause starts after its joining word
    cuts.append(sentence.end)
    return [sentence.doc[start:end] for start, end in pairwise(cuts) if end > start]


def _cue_for(sentence: Span, check: MedicalCheck, mention: Span, others: Sequence[Span]) -> bool:
    """A cue in the term's clause, or in the clauses after it up to the next one naming another term ("She takes
    X every day, and penicillin to protect her from infections": the cue is penicillin's, not X's), unless that
    clause refers back ("epilepsy, and her seizures come when she has a temperature")."""
    clauses = _clauses(sentence)
    own = next(i for i, clause in enumerate(clauses) if clause.start <= mention.start < clause.end)
    for i, clause in enumerate(clauses[own:], start=own):
        names_another = any(clause.start <= other.start < clause.end for other in others)
        if i > own and names_another and clause[0].lower_ not in _REFERRING:
            return False
        if _has_cue(clause, check, mention) or (i == own + 1 and not names_another and _says_how(clause, check)):
            return True
    return False


def _says_how(clause: Span, check: MedicalCheck) -> bool:
    """A clause after a semicolon about the child, not about the care the child gets: "... autistic in 2021; she
    takes what people say literally" tells how the term shows in her."""
    doc = clause.doc
    return (
        clause.start > 0
        and doc[clause.start - 1].text == ";"
        and any(token.lower_ in _CHILD for token in clause[:_CHILD_WITHIN])  # "; in practice she reads slowly"
        and not check.not_an_effect.find(clause)
    )


def _explained(
    sentences: Sequence[Sentence], position: int, check: MedicalCheck, mention: Span, others: Sequence[Span]
) -> bool:
    """A cue in the term's sentence (its clause, see `_cue_for`); or in the next sentence (for a label: the whole
    next block) if it names no term of its own and has the cue near its start ("This means ...", "He finds it hard
    ..."), and, when it opens a new paragraph, points back to the term ("For Sam this means ..."). A sentence
    before the term explains something else: "... when she has a cold. A scan showed PVL."."""
    sentence = sentences[position]
    if _cue_for(sentence.span, check, mention, others):
        return True
    following = sentences[position + 1 :]
    if sentence.label and following:
        return any(_has_cue(s.span, check) for s in following if s.block is following[0].block)
    if not following or _names_a_term(following[0], check):
        return False  # the next sentence explains a term of its own ("Amira has eczema, which makes ...")
    after = following[0].span
    if following[0].block is not sentence.block and not any(t.lower_ in _POINTING for t in after[:_POINTING_WITHIN]):
        return False  # a new paragraph explains this term only when it points back: "For Sam this means ..."
    return _has_cue(after, check, within=check.neighbour_cue_within)


def _term_like(doc: Doc, check: MedicalCheck) -> list[Span]:
    """Every glossary term and every word that looks medical (`suffixes`, `heads`) in the doc, reported or not:
    a sentence naming one is about that term. Kept on the Doc: every mention's tests ask for them."""
    key = ("ehcp_qa.term_like", id(check))
    spans: list[Span] | None = doc.user_data.get(key)
    if spans is None:
        spans = [mention.span for mention in check.glossary.mentions(doc, doc.text)]
        if check.fallback is not None:
            spans += [found.span for found in _fallback_terms(doc, check)]
        doc.user_data[key] = spans
    return spans


def _names_a_term(sentence: Sentence, check: MedicalCheck) -> bool:
    return any(sentence.span.start <= span.start < sentence.span.end for span in _term_like(sentence.span.doc, check))


def _impact_near(sentences: Sequence[Sentence], position: int, check: MedicalCheck) -> bool:
    """Whether the term's sentence or the next one in the same block says how the child is affected
    (`impact_words`: "finds it hard", "can be confused", "especially"): in B, where needs are described, that
    explains a diagnosis named there."""
    near = [sentences[position]]
    if position + 1 < len(sentences) and sentences[position + 1].block is sentences[position].block:
        near.append(sentences[position + 1])
    return any(check.impact_words.in_text(sentence.span) for sentence in near)


def _explained_in_row(
    block: Block, rows: dict[tuple[int, int], list[Block]], view: PlanView, check: MedicalCheck
) -> bool:
    """A term in a table cell, with another cell of its row that explains it ("Epilepsy | This means Sam has
    seizures ..."): a cue or words about how the child is affected, not just any statement ("He is seen in the
    eye clinic")."""
    key = row_key(block)
    return key is not None and any(
        other.location.cell != block.location.cell
        and not is_label(other)
        and (check.explained_by.in_text(view.doc(other)) or check.impact_words.in_text(view.doc(other)))
        for other in rows[key]
    )


def _inside_gloss(doc: Doc, item: _Found, found: Sequence[_Found], describing: frozenset[str]) -> bool:
    """A term within the explanation of another term: "migraines (severe headaches with sickness and sensitivity
    to light)", "Fragile X syndrome, a genetic condition which causes his learning disability": its words explain
    the other term and are not terms to explain in their turn."""
    for other in found:
        if other.key == item.key or other.span.end > item.span.start:
            continue
        same_term = [f.span for f in found if f.key == other.key and f is not other]
        gloss = _gloss_span(doc, other.span, same_term, describing)
        if gloss is None or not (gloss.start <= item.span.start and item.span.end <= gloss.end):
            continue
        opener, first = doc[gloss.start - 1].text, gloss[0].lower_
        if opener in _STATEMENT_OPENERS and gloss.start == item.span.start:
            continue  # the next item of a list: "Asthma – salbutamol inhaler kept in class."
        # After a semicolon or colon the next words may be the next item of a list, unless they point back to the
        # term with this one: "epilepsy; his seizures mostly happen at night" (not "; his sister has asthma").
        owned = first in _REFERRING and item.span.start == gloss.start + 1
        its_own = not any(other.span.end <= f.span.start < gloss.start for f in found)  # no term in between
        if (opener in _EXPLAINING_OPENERS or owned) and its_own:
            return True
    return False


def _others(sentence: Span, item: _Found, check: MedicalCheck) -> list[Span]:
    """The other terms of the sentence, reported or not (a fallback word is another term to a glossary term), but
    not everyday names: "his asthma is mild; he carries a blue inhaler that opens up his airways" explains asthma."""
    return [
        span
        for span in _term_like(sentence.doc, check)
        if sentence.start <= span.start < sentence.end
        and span.text.lower() not in check.everyday
        and span.text.lower() != item.span.text.lower()
        and not (span.start < item.span.end and item.span.start < span.end)
    ]


def _mentions(
    view: PlanView, section: Section, check: MedicalCheck
) -> Iterator[tuple[list[Sentence], int, _Found, bool]]:
    """(sentences, position, term found, explained) for each mention of a term in the section."""
    finder = _glossary_terms if check.report == "glossary" else _fallback_terms
    sentences = [
        Sentence(block, sentence, is_label(block)) for block in section.blocks for sentence in view.doc(block).sents
    ]
    in_block = {id(block): list(finder(view.doc(block), check)) for block in section.blocks}
    rows = table_rows(section.blocks)
    for position, sentence in enumerate(sentences):
        found = [f for f in in_block[id(sentence.block)] if sentence.span.start <= f.span.start < sentence.span.end]
        for item in found:
            doc = sentence.span.doc
            if _names_a_service(doc, item.span, check):
                continue
            if _inside_gloss(doc, item, found, check.described_by):
                yield sentences, position, item, True  # words that explain another term explain themselves too
                continue
            if check.negations.find(
                sentence.span.doc[max(sentence.span.start, item.span.start - check.negation_window) : item.span.start]
            ):
                continue
            same_term = [other.span for other in found if other.key == item.key and other is not item]
            explained = (
                _gloss(sentence.span.doc, item.span, same_term, check)
                or _described_before(sentence.span.doc, item.span, check.described_by)
                or _named_before(sentence.span.doc, item.span, same_term)
                or _everyday_name_after(item.span, check.everyday)
                or _in_quotes(sentence.span.doc, item.span)
                or _explained(sentences, position, check, item.span, _others(sentence.span, item, check))
                or _explained_in_row(sentence.block, rows, view, check)
            )
            yield sentences, position, item, explained


def run_medical(view: PlanView, sections: tuple[str, ...], check: MedicalCheck) -> Iterator[Hit]:
    explained: set[str] = set()
    explained_names: set[tuple[str, ...]] = set()  # the words of each explained mention, as lemmas
    for section in view.sections(check.explained_in):
        for sentences, position, item, cued in _mentions(view, section, check):
            if cued or _impact_near(sentences, position, check):
                explained.add(item.key)
                explained_names.add(_lemmas(item.span))
    for section in view.sections(sections):
        first: dict[str, tuple[Block, _Found]] = {}
        for sentences, position, item, cued in _mentions(view, section, check):
            if cued:
                explained.add(item.key)
                explained_names.add(_lemmas(item.span))
            first.setdefault(item.key, (sentences[position].block, item))
        for key, (block, item) in first.items():
            if key in explained or _kind_explained(item.span, explained_names):
                continue
            term = item.term
            details = {
                "words": item.span.text,
                "term": term.term if term else item.span.text,
                "plain": term.plain if term else "",
            }
            yield Hit(section.id, block, item.span.start_char, _evidence_end(item.span), details=details)


def _lemmas(span: Span) -> tuple[str, ...]:
    return tuple(token.lemma_.lower() for token in span)


def _kind_explained(mention: Span, explained_names: set[tuple[str, ...]]) -> bool:
    """A name that ends an explained term's name: "a seizure" once "tonic-clonic seizures, in which he falls
    ..." is explained, "diabetes" once "type 1 diabetes, so her body ..." is."""
    words = _lemmas(mention)
    return any(len(name) > len(words) and name[-len(words) :] == words for name in explained_names)


def _evidence_end(mention: Span) -> int:
    """The term with the other name in brackets right after it, which is the same term: "Developmental Language
    Disorder (DLD)", "ADHD (Attention Deficit Hyperactivity Disorder)"."""
    bracketed = _bracketed_after(mention, "(", ")")
    if bracketed is None:
        return mention.end_char
    inside = [token for token in bracketed if token.is_alpha]
    short_form = len(inside) == 1 and inside[0].text.isupper()
    long_form = mention.text.isupper() and bool(inside) and all(token.text[0].isupper() for token in inside)
    if not (short_form or long_form):
        return mention.end_char
    close = mention.doc[bracketed.end]
    return close.idx + len(close)


MEDICAL = CheckType(compile=compile_medical, run=run_medical, details=frozenset({"words", "term", "plain"}))
