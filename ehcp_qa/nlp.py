"""The one spaCy pipeline of a process, built once and shared by every check.

The default is `spacy.blank("en")` with a sentencizer and the lookup lemmatizer from spacy-lookups-data: it works
offline, needs no model download, and gives the same tokens on every machine, so rules behave the same for every
council. A trained pipeline is used only when someone asks for it by name (EHCP_QA_SPACY_MODEL) and it happens to
be installed; nothing in the defaults or tests needs one.
"""

from __future__ import annotations

import os
from functools import cache

import spacy
from spacy.language import Language
from spacy.lookups import Table
from spacy.tokens import Doc

_EMOTICON_MARKS = frozenset("()[]:;=<>^_@*|/\\")


def _is_emoticon(written: str) -> bool:
    """One of spaCy's emoticon exceptions (":)", "):", "(-:", ":P"): it starts with a mark, not a letter or quote."""
    return not written[:1].isalnum() and written[:1] not in "'’" and any(char in _EMOTICON_MARKS for char in written)


MODEL_VARIABLE = "EHCP_QA_SPACY_MODEL"


@Language.component("ehcp_lowercase_lemma")
def lowercase_lemma(doc: Doc) -> Doc:
    """Lemmatise capitalised words too: the lookup table is keyed by lower case ("Improving" -> "improve")."""
    table = _lemma_table()
    for token in doc:
        lemma = token.lemma_.lower()
        token.lemma_ = table.get(token.lower_, lemma) if lemma == token.lower_ else lemma
    return doc


@cache
def _lemma_table() -> Table:
    """The lookup lemmatizer's table (spacy-lookups-data); loaded afresh only for a trained pipeline."""
    nlp = get_nlp()
    if "lemmatizer" in nlp.pipe_names and nlp.get_pipe("lemmatizer").lookups.has_table("lemma_lookup"):
        return nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return spacy.lookups.load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


@cache
def _lemmas() -> frozenset[str]:
    return frozenset(_lemma_table().values())


def is_known_word(word: str) -> bool:
    """Whether a lower-case word is in the English lemma table (as a form or a lemma): not a misspelling."""
    return word in _lemma_table() or word in _lemmas()


def _trained_pipeline() -> Language | None:
    name = os.environ.get(MODEL_VARIABLE, "").strip()
    if not name or not spacy.util.is_package(name):
        return None
    return spacy.load(name, exclude=["ner", "textcat"])


@cache
def get_nlp() -> Language:
    """The shared pipeline: tokens, sentences and lemmas (lower case) for every block of a plan."""
    nlp = _trained_pipeline()
    if nlp is None:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    nlp.add_pipe("ehcp_lowercase_lemma", last=True)
    # Emoticons are no use in a plan and split wrongly: "(CVI): his eyes ..." must end the bracket, then the colon.
    nlp.tokenizer.rules = {
        written: tokens for written, tokens in nlp.tokenizer.rules.items() if not _is_emoticon(written)
    }
    for written in ("N/A.", "n/a.", "N/a."):
        # spaCy keeps a capital letter and a full stop together as an initial ("A."): "N/A." ends a sentence.
        nlp.tokenizer.add_special_case(written, [{"ORTH": part} for part in (*written[:-1].partition("/"), ".")])
    return nlp
