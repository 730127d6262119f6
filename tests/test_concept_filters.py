"""One concept filter for every listing: hubs, research pages, search, feeds and the API read,
apply, count and name `?modality=`, `?cancer_type=`, `?target=` and `?evidence=` alike."""

import datetime
import re

import feedparser
import pytest

from epitope.ingest.pipeline import ingest_records
from epitope.ingest.models import Source
from epitope.ingest.records import Record
from epitope.topics import concept_filters
from tests import factories as f

pytestmark = pytest.mark.django_db

CAR_T = ("CAR-T cells in relapsed lymphoma",
         "A phase 1 trial gave CD19 CAR-T cells to 24 patients with lymphoma after chemotherapy failed. "
         "Boston.")
CHECKPOINT = ("Checkpoint blockade in melanoma mice",
              "In mice with melanoma, a PD-1 inhibitor shrank tumours when combined with a cancer vaccine. "
              "Boston.")


@pytest.fixture
def site():
    site = f.hub_site()
    for (title, standfirst), day in ((CAR_T, 2), (CHECKPOINT, 1)):
        f.article(site["index"], title, [site["cancer"]], standfirst=standfirst, hero=False,
                  date=datetime.date(2026, 3, day))
    journal = Source.objects.create(name="Journal", kind="rss", url="https://example.org/j.xml",
                                    topic=site["cancer"], public=True)
    published = datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC)
    ingest_records(journal, [
        Record(title=f"Paper: {title}", summary=summary, kind="paper", link=f"https://example.org/paper/{n}",
               identifiers={"doi": f"10.5555/filters.{n}"}, published=published - datetime.timedelta(days=n))
        for n, (title, summary) in enumerate((CAR_T, CHECKPOINT))
    ])
    return site


def hub_titles(client, url):
    return [card.title for card in client.get(url).context["cards"]]


def search_titles(client, url):
    hits = client.get(url).context["search"].page
    return [hit.title.replace("<mark>", "").replace("</mark>", "") for hit in hits]


def research_titles(client, url):
    return re.findall(r'rel="noopener noreferrer">([^<]+)</a>', client.get(url).content.decode())


def feed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    if "/json/" in url:
        return [item["title"] for item in response.json()["items"]]
    return [entry.title for entry in feedparser.parse(response.content).entries]


@pytest.mark.parametrize("query, title", [
    ("modality=car-t", CAR_T[0]),
    ("modality=cell-therapy", CAR_T[0]),  # a broad concept finds the narrow ones below it
    ("cancer_type=melanoma", CHECKPOINT[0]),
    ("target=cd19", CAR_T[0]),
    ("evidence=mouse", CHECKPOINT[0]),
])
def test_todays_filter_links_narrow_hubs_research_pages_and_feeds_alike(client, site, query, title):
    assert hub_titles(client, f"/cancer-immunology/?{query}") == [title]
    assert research_titles(client, f"/cancer-immunology/research/?{query}") == [f"Paper: {title}"]
    for kind in ("rss", "atom", "json"):
        assert feed_titles(client, f"/cancer-immunology/feed/{kind}/?{query}") == [title]


@pytest.mark.parametrize("query, title", [
    ("modality=car-t", CAR_T[0]),
    ("cancer_type=melanoma", CHECKPOINT[0]),
])
def test_todays_search_and_api_filter_links_still_narrow_the_same_way(client, site, query, title):
    assert search_titles(client, f"/search/?q=boston&{query}") == [title]
    assert [a["title"] for a in client.get(f"/api/articles?{query}").json()["results"]] == [title]


@pytest.mark.parametrize("url", [
    "/cancer-immunology/?modality=banana", "/cancer-immunology/research/?target=nope",
    "/cancer-immunology/feed/atom/?evidence=phase-9", "/search/?q=cells&modality=melanoma",
    "/search/?q=cells&cancer_type=car-t",
])
def test_an_unknown_concept_is_a_404_wherever_it_is_asked_for(client, site, url):
    assert client.get(url).status_code == 404


def test_an_unknown_concept_is_named_as_readers_know_the_filter(client, site):
    assert client.get("/api/articles?modality=banana").json() == {"detail": "Unknown therapy 'banana'."}


def test_a_hub_reader_and_a_search_reader_see_the_same_filter_names(client, site):
    hub = client.get("/cancer-immunology/").content.decode()
    headings = re.findall(r'<h2 class="facet-heading"[^>]*>([^<]+)</h2>', hub)
    assert headings[:2] == ["Therapy", "Cancer type"]
    search = client.get("/search/?q=boston").content.decode()
    sections = re.findall(r'<section class="facet"><h2>([^<]+)</h2>', search)
    assert sections == ["Type", "Topic", "Therapy", "Cancer type"]
    assert "Modality" not in search
    api = {f["param"]: f["label"] for f in client.get("/api/facets").json()}
    assert api["modality"] == "Therapy" and api["cancer_type"] == "Cancer type"
    trends = client.get("/cancer-immunology/trends/").content.decode()
    assert "Stories per month by therapy" in trends
    assert "a story about two therapies counts under both" in trends
    assert "modality" not in re.sub(r'(id|aria-labelledby)="[^"]*"', "", trends).lower()


def test_search_and_the_hub_count_a_concept_alike(client, site):
    hub = client.get("/cancer-immunology/").content.decode()
    link = r'<a href="\?modality=([^"]+)">[^<]+<span class="facet-count">\((\d+)\)'
    hub_counts = dict(re.findall(link, hub))
    search = dict(client.get("/search/?q=boston").context["search"].facet_counts)
    therapy = next(values for listing_filter, values in search.items() if listing_filter.param == "modality")
    search_counts = {value: str(n) for value, _, n, _ in therapy}
    assert search_counts and search_counts == {value: hub_counts[value] for value in search_counts}


@pytest.mark.parametrize("query", ["target=cd19", "evidence=mouse", "type=news&modality=car-t&target=cd19"])
def test_a_filtered_hub_links_to_feeds_that_keep_every_filter(client, site, query):
    html = client.get(f"/cancer-immunology/?{query}").content.decode()
    feed = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]* href="([^"]+)"', html).group(1)
    assert feed == f"/cancer-immunology/feed/atom/?{query}".replace("&", "&amp;")
    on_hub = hub_titles(client, f"/cancer-immunology/?{query}")
    assert on_hub and feed_titles(client, feed.replace("&amp;", "&")) == on_hub


def test_a_filter_bar_offers_neither_generic_concepts_nor_evidence_groupings():
    vocab = concept_filters.vocabulary()
    offered = {value for param in concept_filters.PARAMS
               for value, _ in concept_filters.choices(param, vocab)}
    assert "car-t" in offered and "phase-1" in offered
    assert "car" not in offered  # an unqualified CAR is stored as CAR-T: offering it would find nothing
    roots = {c.id for c in vocab.concepts.values() if c.facet == "evidence" and c.parent is None}
    assert roots and not roots & offered


@pytest.mark.parametrize("param, value", [("modality", "car-t"), ("cancer_type", "melanoma"), ("target", "cd19"),
                                          ("evidence", "mouse")])
def test_a_hub_filtered_by_any_concept_is_served_from_the_page_cache(client, site, page_cache, param, value):
    path = f"/cancer-immunology/?{param}={value}"
    assert client.get(path)["X-Epitope-Cache"] == "miss"
    assert client.get(path)["X-Epitope-Cache"] == "hit"
