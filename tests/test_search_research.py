"""Search finds ingested research of public sources beside articles, as the hubs' research lists show it."""

import datetime
import re

import pytest

from epitope.ingest.models import Item
from epitope.ingest.pipeline import ingest_records
from epitope.search import research
from tests import factories as f
from tests.test_hub_research import CAR_T, MELANOMA, SOIL, record, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = f.hub_site()
    ingest_records(source("Journal of Tumour Immunity", site["cancer"]),
                   [record(1, CAR_T, 3, "trial"), record(2, MELANOMA, 1, "preprint"), record(3, SOIL, 0)])
    ingest_records(source("Private wire", site["cancer"], public=False),
                   [record(4, ("CAR-T cells for lymphoma", "CAR-T cells for patients with lymphoma."))])
    ingest_records(source("Vaccine letters", site["vaccines"]),
                   [record(5, ("An mRNA cancer vaccine in melanoma", "Carcinoma patients took a personalised vaccine."), 2)])
    f.article(site["index"], "CAR-T cells reach solid tumours", [site["cell"]], hero=False,
              standfirst="The therapy that treats leukaemia meets carcinomas.", date=datetime.date(2026, 10, 1))
    return site


def research_section(html):
    match = re.search(r'<section class="search-research".*?</section>', html, re.S)
    return match.group(0) if match else ""


def research_titles(response):
    return [str(hit._item.title) for hit in response.context["search"].research.items]


def test_a_public_paper_is_found_beside_the_articles_with_its_badges_and_link(client, site):
    response = client.get("/search/", {"q": "CAR-T"})
    assert [str(hit.title) for hit in response.context["search"].page] == [
        "<mark>CAR-T</mark> cells reach solid tumours"
    ]
    assert research_titles(response) == [CAR_T[0]]
    html = research_section(response.content.decode())
    assert "1 paper, preprint or trial from the sources we follow" in html
    assert '<a href="https://example.org/paper/1" rel="noopener noreferrer">CD19 <mark>CAR-T</mark> cells' in html
    assert '<span class="research-kind">Trial</span>' in html and "Journal of Tumour Immunity" in html
    assert '<li class="badge">' in html


def test_research_of_private_sources_dismissed_or_irrelevant_items_is_not_found(client, site):
    assert research_titles(client.get("/search/", {"q": "lymphoma"})) == []  # only in the private source
    assert research_titles(client.get("/search/", {"q": "grassland"})) == []  # not relevant
    Item.objects.filter(title=CAR_T[0]).update(status=Item.DISMISSED)
    assert research_titles(client.get("/search/", {"q": "CAR-T"})) == []


def test_research_matches_whole_terms_only(client, site):
    # "PD-1" is in the melanoma preprint's abstract; "car" starts "Carcinoma" in the vaccine paper's.
    assert research_titles(client.get("/search/", {"q": "PD-1"})) == [MELANOMA[0]]
    assert research_titles(client.get("/search/", {"q": "PD-10"})) == []
    assert CAR_T[0] in research_titles(client.get("/search/", {"q": "CD19 CAR-T"}))
    assert "An mRNA cancer vaccine in melanoma" not in research_titles(client.get("/search/", {"q": "CAR-T"}))


def test_title_matches_come_first_then_newest(client, site):
    # Both mention melanoma in their title; the vaccine paper's title also matches "vaccine".
    assert research_titles(client.get("/search/", {"q": "melanoma"})) == [MELANOMA[0], "An mRNA cancer vaccine in melanoma"]


def test_research_follows_the_topic_and_date_chosen_and_not_an_article_type(client, site):
    assert research_titles(client.get("/search/", {"q": "melanoma", "topic": "cancer-vaccines"})) == [
        "An mRNA cancer vaccine in melanoma"
    ]
    assert research_titles(client.get("/search/", {"q": "melanoma", "from": "2026-11-19"})) == [MELANOMA[0]]
    assert research_titles(client.get("/search/", {"q": "melanoma", "type": "feature"})) == []


def test_research_of_a_topic_without_a_live_hub_is_not_found(client, site):
    assert research_titles(client.get("/search/", {"q": "mRNA"})) == ["An mRNA cancer vaccine in melanoma"]
    # Cancer vaccines has no hub of its own: only the Immunology and Cancer immunology hubs list it.
    site["immunology_hub"].unpublish()
    site["cancer_hub"].unpublish()
    assert research_titles(client.get("/search/", {"q": "mRNA"})) == []
    assert research_titles(client.get("/search/", {"q": "mRNA", "topic": "cancer-vaccines"})) == []


def test_a_search_reads_at_most_the_newest_scan_limit_items_and_says_so(client, site, monkeypatch):
    # The three newest items ingested, public or not: the grassland paper and the private
    # wire's (today), the melanoma preprint (yesterday).
    monkeypatch.setattr(research, "SCAN_LIMIT", 3)
    assert research_titles(client.get("/search/", {"q": "CAR-T"})) == []  # three days old
    response = client.get("/search/", {"q": "melanoma"})
    assert research_titles(response) == [MELANOMA[0]]
    assert response.context["search"].research.capped
    assert "among the newest 3 we hold" in research_section(response.content.decode())


def test_research_alone_answers_a_query_without_broadening(client, site):
    response = client.get("/search/", {"q": "CD19 leukaemia"})
    assert not response.context["search"].broadened
    assert research_titles(response) == [CAR_T[0]]
    assert "No stories match “CD19 leukaemia”." in response.content.decode()
