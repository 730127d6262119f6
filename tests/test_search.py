import datetime

import pytest

from epitope.search.highlight import highlight
from epitope.search.query import sanitise
from tests import factories as f

pytestmark = pytest.mark.django_db


def titles(response):
    return [str(hit._article.title) for hit in response.context["search"].page]


@pytest.fixture
def site():
    site = f.hub_site()
    idx = site["index"]
    f.article(idx, "CAR-T cells clear lymphoma in trial", [site["cell"]], hero=False,
              standfirst="A CAR-T therapy cleared lymphoma in most patients.", date=datetime.date(2026, 3, 1))
    f.article(idx, "Personalised mRNA vaccine for melanoma", [site["vaccines"]], hero=False, article_type="feature",
              standfirst="A vaccine trained T cells against melanoma neoantigens.", date=datetime.date(2026, 6, 1))
    f.article(idx, "Checkpoint inhibitors and the gut", [site["cancer"]], hero=False,
              standfirst="Gut bacteria shape responses to checkpoint blockade.", date=datetime.date(2026, 9, 1))
    f.article(idx, "Draft about lymphoma", [site["cell"]], hero=False, publish=False)
    return site


def test_finds_matching_live_articles_only(client, site):
    response = client.get("/search/?q=lymphoma")
    assert response.status_code == 200
    assert titles(response) == ["CAR-T cells clear lymphoma in trial"]


@pytest.mark.parametrize("typed", ["CAR-T", "PD-1", "B7-H4", "IFN-γ"])
def test_a_hyphenated_name_is_shown_back_as_typed(client, site, typed):
    html = client.get("/search/", {"q": typed}).content.decode()
    assert f'name="q" value="{typed}"' in html
    assert f"“{typed}”" in html and f"{typed.replace('-', ' ')}”" not in html


def test_hyphenated_names_find_their_stories_however_the_text_writes_them(client, site):
    idx = site["index"]
    f.article(idx, "PD-1 blockade in melanoma", [site["cancer"]], hero=False, standfirst="It raised IL-2 and IFN-γ.")
    f.article(idx, "Antibodies against a checkpoint", [site["cancer"]], hero=False, standfirst="Anti-PD-1 and B7-H4 agents.")
    f.article(idx, "PD-10 is not a target", [site["cancer"]], hero=False, standfirst="Nor is PD-L1 here, nor CAR NK.")
    assert set(titles(client.get("/search/?q=PD-1"))) == {"PD-1 blockade in melanoma", "Antibodies against a checkpoint"}
    assert titles(client.get("/search/?q=PD-L1")) == ["PD-10 is not a target"]
    assert titles(client.get("/search/?q=PD-1+melanoma")) == ["PD-1 blockade in melanoma"]
    assert titles(client.get('/search/?q="PD-1+blockade"')) == ["PD-1 blockade in melanoma"]
    assert titles(client.get("/search/?q=B7-H4")) == ["Antibodies against a checkpoint"]
    assert titles(client.get("/search/", {"q": "IFN-γ"})) == ["PD-1 blockade in melanoma"]
    assert titles(client.get("/search/?q=IL-2")) == ["PD-1 blockade in melanoma"]
    # "CAR-T" is not "CAR" and "T" anywhere: the gut story has "to", "the", "T cells" but no CAR-T.
    assert titles(client.get("/search/?q=CAR-T")) == ["CAR-T cells clear lymphoma in trial"]


def test_a_hyphenated_name_is_highlighted_whole_and_nothing_else(client, site):
    response = client.get("/search/?q=CAR-T")
    hit = response.context["search"].page[0]
    assert str(hit.title) == "<mark>CAR-T</mark> cells clear lymphoma in trial"
    assert str(hit.standfirst) == "A <mark>CAR-T</mark> therapy cleared lymphoma in most patients."


def test_title_match_ranks_above_body_match(client, site):
    f.article(site["index"], "Melanoma answers", [site["cancer"]], hero=False,
              standfirst="Melanoma melanoma responses.", date=datetime.date(2026, 1, 1))
    found = titles(client.get("/search/?q=melanoma"))
    assert set(found) == {"Melanoma answers", "Personalised mRNA vaccine for melanoma"}


def test_all_words_must_match(client, site):
    response = client.get("/search/?q=vaccine+melanoma")
    assert titles(response) == ["Personalised mRNA vaccine for melanoma"]
    assert not response.context["search"].broadened
    assert "Nothing has every word" not in response.content.decode()


def test_a_query_nothing_matches_whole_is_broadened_to_any_word_and_says_so(client, site):
    response = client.get("/search/?q=vaccine+lymphoma")
    assert set(titles(response)) == {"Personalised mRNA vaccine for melanoma", "CAR-T cells clear lymphoma in trial"}
    html = response.content.decode()
    assert "Nothing has every word of “vaccine lymphoma”: these results have any of them." in html
    assert "2 stories with any word of “vaccine lymphoma”" in html


def test_one_word_that_matches_nothing_is_not_broadened(client, site):
    response = client.get("/search/?q=glioblastoma")
    assert titles(response) == [] and not response.context["search"].broadened
    assert "No stories match “glioblastoma”." in response.content.decode()


def test_quoted_phrase(client, site):
    assert titles(client.get('/search/?q="checkpoint+blockade"')) == ["Checkpoint inhibitors and the gut"]
    assert titles(client.get('/search/?q="blockade+checkpoint"')) == []


def test_matches_are_highlighted_and_escaped(client, site):
    f.article(site["index"], "<b>Lymphoma</b> & T cells", [site["cancer"]], hero=False, standfirst="x")
    html = client.get("/search/?q=lymphoma").content.decode()
    assert "<mark>lymphoma</mark>" in html
    assert "&lt;b&gt;<mark>Lymphoma</mark>&lt;/b&gt; &amp; T cells" in html
    assert "<b>Lymphoma</b>" not in html


def test_type_facet_with_counts(client, site):
    response = client.get("/search/?q=cells")
    assert set(titles(response)) == {"CAR-T cells clear lymphoma in trial", "Personalised mRNA vaccine for melanoma"}
    counts = {facet.param: {v: n for v, _, n, _ in values} for facet, values in response.context["search"].facet_counts}
    assert counts["type"] == {"news": 1, "feature": 1}
    # A topic's count includes its subtopics: both stories sit under Cancer immunology.
    assert counts["topic"]["cancer-immunology"] == 2 and counts["topic"]["cell-therapy"] == 1
    narrowed = client.get("/search/?q=cells&type=feature")
    assert titles(narrowed) == ["Personalised mRNA vaccine for melanoma"]
    # The type counts still show the other type, so a reader can switch.
    counts = {facet.param: {v: n for v, _, n, _ in values} for facet, values in narrowed.context["search"].facet_counts}
    assert counts["type"] == {"news": 1, "feature": 1}
    assert counts["topic"] == {"immunology": 1, "cancer-immunology": 1, "cancer-vaccines": 1}
    assert 'href="?q=cells&amp;type=feature&amp;topic=cancer-vaccines"' in narrowed.content.decode()


def test_topic_facet_includes_descendants(client, site):
    assert titles(client.get("/search/?q=cells&topic=cell-therapy")) == ["CAR-T cells clear lymphoma in trial"]
    assert len(titles(client.get("/search/?q=cells&topic=immunology"))) == 2


def test_date_range(client, site):
    assert titles(client.get("/search/?q=cells&from=2026-05-01")) == ["Personalised mRNA vaccine for melanoma"]
    assert titles(client.get("/search/?q=cells&to=2026-05-01")) == ["CAR-T cells clear lymphoma in trial"]
    assert len(titles(client.get("/search/?q=cells&from=not-a-date"))) == 2


@pytest.mark.parametrize("query", ["?q=cells&type=opinion", "?q=cells&topic=no-such-topic"])
def test_unknown_facet_value_is_404(client, site, query):
    assert client.get("/search/" + query).status_code == 404


def test_paging(client, site):
    for n in range(12):
        f.article(site["index"], f"Sarcoma story {n}", [site["cancer"]], hero=False, standfirst="About sarcoma.")
    first = client.get("/search/?q=sarcoma")
    assert len(titles(first)) == 10 and first.context["search"].total == 12
    assert 'href="?q=sarcoma&amp;page=2"' in first.content.decode()
    assert len(titles(client.get("/search/?q=sarcoma&page=2"))) == 2
    assert len(titles(client.get("/search/?q=sarcoma&page=99"))) == 2  # past the end: the last page
    assert len(titles(client.get("/search/?q=sarcoma&page=abc"))) == 10


def test_results_reuse_the_card_with_image(client, site):
    f.article(site["index"], "Imaged glioma story", [site["cancer"]], alt="Glioma cells under a microscope")
    html = client.get("/search/?q=glioma").content.decode()
    assert 'class="card"' in html and 'alt="Glioma cells under a microscope"' in html


ODD_QUERIES = [
    "",
    " ",
    '"',
    '""',
    '"unterminated phrase',
    "AND",
    "OR NOT",
    "lymphoma AND NOT",
    "NEAR(car t, 5)",
    "*",
    "lymph*",
    "(",
    ")(",
    "{title}: lymphoma",
    "title:lymphoma",
    "-lymphoma",
    "^lymphoma",
    "'; DROP TABLE wagtailcore_page; --",
    "%s %d %%",
    "\\",
    "\x00",
    "lymph\x00oma",
    "CD19 → CAR‑T",
    "γδ T cells",
    "腫瘍免疫",
    "🧬🦠 lymphoma",
    "é" * 300,
    "lymphoma " * 1200,  # about 10 kB
    "x" * 10_240,
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_queries_never_error(client, site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_operators_are_searched_as_words_not_syntax(client, site):
    # FTS5 would read NEAR as an operator; here it is a word, and no story has it. ("and"/"not"
    # are no test of this: PostgreSQL drops them as stop words.)
    # (With both required nothing matches, so the search is broadened to either word.)
    assert client.get("/search/", {"q": "lymphoma NEAR"}).context["search"].broadened
    assert titles(client.get("/search/", {"q": "(lymphoma)"})) == ["CAR-T cells clear lymphoma in trial"]


def test_sanitise_keeps_words_and_phrases_only():
    terms = sanitise('"tumour  micro-environment" CD19* NEAR( \x00 "x')
    assert [t.parts for t in terms.terms] == [("tumour", "micro", "environment"), ("CD19",), ("NEAR",), ("x",)]
    assert terms.all_words() == ["tumour micro-environment", "CD19", "NEAR", "x"]
    assert not sanitise('"" * ( ) \x00')


def test_sanitise_bounds_terms():
    terms = sanitise(" ".join(f"w{n}" for n in range(100)) + " " + "y" * 200)
    assert len(terms.terms) == 12 and all(len(p) <= 40 for t in terms.terms for p in t.parts)


def test_highlight_escapes_then_marks():
    assert str(highlight("<i>Vaccines</i> & vaccine", ["vaccine"])) == (
        "&lt;i&gt;<mark>Vaccines</mark>&lt;/i&gt; &amp; <mark>vaccine</mark>"
    )
    assert str(highlight("amp & amp", ["amp"])) == "<mark>amp</mark> &amp; <mark>amp</mark>"


def test_classification_facets_count_and_filter(client, site):
    response = client.get("/search/?q=trial")
    counts = {facet.param: {v: n for v, _, n, _ in values} for facet, values in response.context["search"].facet_counts}
    assert counts["modality"].get("car-t") == 1 and counts["cancer_type"].get("lymphoma") == 1
    assert titles(client.get("/search/?q=trial&cancer_type=lymphoma")) == ["CAR-T cells clear lymphoma in trial"]
    assert titles(client.get("/search/?q=trial&cancer_type=melanoma")) == []


def test_a_broad_query_ranks_its_newest_matches_on_postgres(client, site, monkeypatch):
    """PostgreSQL ranks at most MAX_MATCHES matches, the newest: an older match waits for a narrower query."""
    from django.db import connection

    from epitope.search import results

    if connection.vendor != "postgresql":
        pytest.skip("SQLite ranks every match in one FTS5 query")
    f.article(site["index"], "Melanoma answers", [site["cancer"]], hero=False,
              standfirst="Melanoma melanoma responses.", date=datetime.date(2020, 1, 1))
    f.article(site["index"], "Gut bacteria and immunotherapy", [site["cancer"]], hero=False,
              standfirst="Responses in melanoma differ.", date=datetime.date(2026, 10, 1))
    monkeypatch.setattr(results, "MAX_MATCHES", 2)
    response = client.get("/search/?q=melanoma")
    # The two newest matches, the title match first; the count says there are more.
    assert titles(response) == ["Personalised mRNA vaccine for melanoma", "Gut bacteria and immunotherapy"]
    assert "2+ results" in response.content.decode()
    assert titles(client.get("/search/?q=melanoma+answers")) == ["Melanoma answers"]
    assert titles(client.get("/search/?q=melanoma&to=2020-12-31")) == ["Melanoma answers"]
