"""The field's own words survive a search: tokenising a query and marking what matched."""

import pytest
from modelsearch.query import And, Or, Phrase, PlainText

from epitope.search.highlight import contains, highlight, split
from epitope.search.query import sanitise, to_backend_query


def marked(text, terms):
    return [piece for piece, hit in split(text, terms) if hit]


@pytest.mark.parametrize("typed", ["CAR-T", "PD-1", "PD-L1", "B7-H4", "CD19", "IL-2", "IFN-γ", "TNF-α"])
def test_a_hyphenated_name_or_greek_letter_is_one_term_shown_as_typed(typed):
    terms = sanitise(f"  {typed}  ")
    assert terms.as_text() == typed
    assert terms.all_words() == [typed]


def test_the_query_is_shown_back_as_typed_with_spaces_tidied():
    assert sanitise('CAR-T  "PD-1 blockade"\tIFN-γ').as_text() == 'CAR-T "PD-1 blockade" IFN-γ'
    assert sanitise("lymph\x00oma").as_text() == "lymph oma"


def test_unicode_hyphens_and_apostrophes_join_a_term_and_reach_the_backend_as_ascii():
    terms = sanitise("PD\u20111 Hodgkin\u2019s")
    assert terms.all_words() == ["PD-1", "Hodgkin's"]
    assert [t.parts for t in terms.terms] == [("PD", "1"), ("Hodgkin", "s")]


def test_a_hyphenated_name_is_asked_of_the_backend_as_a_phrase_as_typed_and_spaced():
    query = to_backend_query(sanitise("PD-1 melanoma"))
    assert isinstance(query, And)
    plain, name = query.subqueries
    assert isinstance(plain, PlainText) and plain.query_string == "melanoma"
    assert isinstance(name, Or) and [p.query_string for p in name.subqueries] == ["PD-1", "PD 1"]


def test_a_name_with_a_single_letter_is_asked_as_typed_only():
    # "CAR T" would be "car" alone to PostgreSQL, which drops "t" as a stop word.
    query = to_backend_query(sanitise("CAR-T"))
    assert isinstance(query, Phrase) and query.query_string == "CAR-T"


def test_a_quoted_phrase_is_one_phrase():
    query = to_backend_query(sanitise('"checkpoint blockade"'))
    assert isinstance(query, Phrase) and query.query_string == "checkpoint blockade"


def test_any_term_query_joins_terms_with_or():
    query = to_backend_query(sanitise("vaccine lymphoma CAR-T"), any_term=True)
    assert isinstance(query, Or)
    assert query.subqueries[0].operator == "or"


def test_car_t_marks_car_t_only_not_the_words_starting_with_t_or_car():
    text = "The CAR-T therapy that led to carcinomas shrinking; CAR T cells too."
    assert marked(text, ["CAR-T"]) == ["CAR-T", "CAR T"]


def test_pd_1_marks_pd_1_whole_and_not_pd_10_or_pd_l1():
    text = "Anti-PD-1 antibodies, unlike PD-10 or PD-L1 ones, block PD-1."
    assert marked(text, ["PD-1"]) == ["PD-1", "PD-1"]
    assert marked(text, ["PD-L1"]) == ["PD-L1"]


def test_greek_letters_and_digits_are_marked_whole():
    text = "IFN-γ and TNF-α from B7-H4+ cells; IFN-gamma and B7-H40 are others."
    assert marked(text, ["IFN-γ", "TNF-α", "B7-H4"]) == ["IFN-γ", "TNF-α", "B7-H4"]


def test_a_word_marks_its_plural_but_no_longer_word():
    assert marked("Vaccines and a vaccine, not vaccinated people.", ["vaccine"]) == ["Vaccines", "vaccine"]
    assert marked("Tumours and the tumour's edge.", ["tumour"]) == ["Tumours", "tumour's"]


def test_marking_ignores_case_and_escapes_everything_else():
    assert str(highlight("<b>car-t</b> & CAR-T", ["CAR-T"])) == (
        "&lt;b&gt;<mark>car-t</mark>&lt;/b&gt; &amp; <mark>CAR-T</mark>"
    )


def test_contains_agrees_with_what_is_marked():
    assert contains("A CAR-T trial", "CAR-T") and not contains("carcinoma of the tongue", "CAR-T")
    assert not contains("", "PD-1") and not contains("PD-1", "")
