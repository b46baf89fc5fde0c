"""The shared pipeline (nlp.py) and phrase lists: lemmas, amounts, quotations."""

from __future__ import annotations

import pytest

from ehcp_qa.checks.phrases import PhraseList, quoted_ranges
from ehcp_qa.nlp import get_nlp


def test_one_pipeline_per_process_without_a_trained_model() -> None:
    nlp = get_nlp()
    assert nlp is get_nlp()
    assert "sentencizer" in nlp.pipe_names and "lemmatizer" in nlp.pipe_names


@pytest.mark.parametrize(
    ("text", "tokens"), [("delay (GDD): he", ["(", "GDD", ")", ":"]), ("N/A.", ["N", "/", "A", "."])]
)
def test_brackets_and_colons_are_not_read_as_emoticons(text: str, tokens: list[str]) -> None:
    assert all(token in [t.text for t in get_nlp()(text)] for token in tokens)


@pytest.mark.parametrize("text", ["Sam improves.", "Improving reading", "Sam improved", "to improve"])
def test_lemma_phrases_match_every_form_and_case(text: str) -> None:
    assert PhraseList.build("test", ["~improve"]).in_text(get_nlp()(text))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("in a group of 4 pupils", True),
        ("three times a week", True),
        ("1:1 support", True),
        ("by the end of Year 6", False),
        ("in July 2026", False),
        ("on 12 May", False),
        ("aged 14", False),
        ("once a fortnight", True),
        ("one session a week", True),
        ("once she leaves school", False),
        ("a place once one becomes free", False),
        ("help at home once a worker is allocated", False),
        ("once a week is enough", True),
        ("if he asks for one.", False),
    ],
)
def test_an_amount_is_not_a_year_school_year_age_date_or_conjunction(text: str, amount: bool) -> None:
    assert PhraseList.build("test", ["#"]).in_text(get_nlp()(text)) is amount


def test_quoted_words_are_someone_elses() -> None:
    text = "He said: \u201cI should sit at the front\u201d and Sam's mum said 'adults could help'."
    quoted = [text[start:end] for start, end in quoted_ranges(text)]
    assert quoted == ["\u201cI should sit at the front\u201d", "'adults could help'"]


def test_a_possessive_after_a_bracket_is_not_a_quotation() -> None:
    text = "The service will review [CHILD]'s hearing and the SENCo (Mrs Lee)'s notes, and may refer her."
    assert quoted_ranges(text) == []
