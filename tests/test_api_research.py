"""The read API's research endpoints: what the hubs' research lists show, public sources only."""

import pytest

from epitope.ingest.pipeline import ingest_records
from tests import factories as f
from tests.test_hub_research import CAR_T, MELANOMA, SOIL, record, source

pytestmark = pytest.mark.django_db

VACCINE = ("An mRNA cancer vaccine in melanoma", "A personalised mRNA cancer vaccine in melanoma patients.")


@pytest.fixture
def site():
    site = f.hub_site()
    journal = source("Journal of Tumour Immunity", site["cancer"])
    ingest_records(journal, [record(1, CAR_T, 3, "trial"), record(2, MELANOMA, 1, "preprint"), record(3, SOIL, 0)])
    ingest_records(source("Private wire", site["cancer"], public=False),
                   [record(4, ("CAR-T cells for lymphoma", "CAR-T cells for patients with lymphoma."))])
    ingest_records(source("Vaccine letters", site["vaccines"]), [record(5, VACCINE, 2)])
    return site


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.json()


def titles(data):
    return [item["title"] for item in data["results"]]


def test_research_lists_relevant_items_of_public_sources_newest_first(client, site):
    data = get(client, "/api/research")
    assert titles(data) == [MELANOMA[0], VACCINE[0], CAR_T[0]]  # neither the soil paper nor the private wire
    assert data["count"] == 3
    trial = data["results"][2]
    assert trial["kind"] == "trial" and trial["kind_label"] == "Trial"
    assert trial["url"] == "https://example.org/paper/1" and trial["doi"] == "10.5555/research.1"
    assert trial["source"] == "Journal of Tumour Immunity"
    assert trial["topic"] == {"slug": "cancer-immunology", "name": "Cancer immunology"}
    assert "Phase 2 trial" in trial["badges"] and "CAR-T" in trial["badges"]
    assert trial["published"].startswith("2026-11-17")


def test_research_filters_by_kind_topic_and_facets(client, site):
    assert titles(get(client, "/api/research?kind=trial")) == [CAR_T[0]]
    assert titles(get(client, "/api/research?kind=preprint")) == [MELANOMA[0]]
    assert titles(get(client, "/api/research?topic=cancer-vaccines")) == [VACCINE[0]]
    assert titles(get(client, "/api/research?topic=immunology")) == [MELANOMA[0], VACCINE[0], CAR_T[0]]
    assert titles(get(client, "/api/research?modality=car-t")) == [CAR_T[0]]
    assert get(client, "/api/research?topic=no-such-topic", status=404)["detail"]
    assert get(client, "/api/research?modality=no-such-therapy", status=404)["detail"]
    assert get(client, "/api/research?kind=news", status=422)["detail"]


def test_research_honours_limit_and_pages(client, site):
    first = get(client, "/api/research?limit=2")
    assert titles(first) == [MELANOMA[0], VACCINE[0]] and first["num_pages"] == 2
    assert titles(get(client, "/api/research?limit=2&page=2")) == [CAR_T[0]]
    assert get(client, "/api/research?limit=500")["page_size"] == 100


def test_research_item_detail_only_for_public_relevant_items(client, site):
    from epitope.ingest.models import Item

    trial = Item.objects.get(title=CAR_T[0])
    data = get(client, f"/api/research/{trial.pk}")
    assert data["title"] == CAR_T[0] and data["summary"] == CAR_T[1]
    for title in ("CAR-T cells for lymphoma", SOIL[0]):  # private source; not relevant
        assert get(client, f"/api/research/{Item.objects.get(title=title).pk}", status=404)["detail"]
