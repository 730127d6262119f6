"""Each hub's "Latest research" panel and page: relevant items from public sources of its topic tree."""

import datetime
import re

import pytest

from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record
from tests import factories as f
from tests.page_cache_support import is_cached

pytestmark = pytest.mark.django_db

CAR_T = ("CD19 CAR-T cells in children with leukaemia",
         "In a phase 2 trial, 30 children with B-cell acute lymphoblastic leukaemia received CD19 CAR-T cells.")
MELANOMA = ("Pembrolizumab in melanoma mice", "A PD-1 inhibitor shrank melanoma tumours in mice; treated mice lived longer.")
SOIL = ("Soil bacteria in dry grassland", "Bacterial diversity changed after a drought in 40 plots.")


def record(n, text, days_ago=0, kind="paper", link=None):
    title, summary = text
    return Record(title=title, summary=summary, kind=kind, link=link or f"https://example.org/paper/{n}",
                  identifiers={"doi": f"10.5555/research.{n}"},
                  published=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC) - datetime.timedelta(days=days_ago))


def source(name, topic, public=True):
    from epitope.ingest.models import Source

    return Source.objects.create(name=name, kind="rss", url=f"https://example.org/{name}.xml", topic=topic, public=public)


@pytest.fixture
def site():
    site = f.hub_site()
    journal = source("Journal of Tumour Immunity", site["cancer"])
    ingest_records(journal, [record(1, CAR_T, 3, "trial"), record(2, MELANOMA, 1, "preprint"), record(3, SOIL, 0)])
    ingest_records(source("Private wire", site["cancer"], public=False),
                   [record(4, ("CAR-T cells for lymphoma", "CAR-T cells for patients with lymphoma."))])
    ingest_records(source("Vaccine letters", site["vaccines"]),
                   [record(5, ("An mRNA cancer vaccine in melanoma", "A personalised mRNA cancer vaccine in melanoma patients."), 2)])
    f.article(site["index"], "A hub story", [site["cancer"]], hero=False)
    return site


def panel(html):
    match = re.search(r'<section class="research-panel".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_hub_panel_lists_relevant_public_research_newest_first(client, site):
    html = panel(client.get("/cancer-immunology/").content.decode())
    assert "Latest research" in html
    titles = re.findall(r'rel="noopener noreferrer">([^<]+)</a>', html)
    assert titles == [MELANOMA[0], "An mRNA cancer vaccine in melanoma", CAR_T[0]]
    assert SOIL[0] not in html  # not relevant
    assert "CAR-T cells for lymphoma" not in html  # from a source that is not public
    assert '<a href="https://example.org/paper/2" rel="noopener noreferrer">' in html
    assert "Journal of Tumour Immunity" in html and "19 November 2026" in html
    assert '<li class="badge">Phase 2 trial</li>' in html and '<li class="badge">CAR-T</li>' in html
    assert '<span class="research-kind">Preprint</span>' in html
    assert 'href="/cancer-immunology/research/"' in html


def test_panel_follows_the_topic_tree(client, site):
    assert "An mRNA cancer vaccine" in panel(client.get("/immunology/").content.decode())  # a parent hub
    assert panel(client.get("/cell-therapy/").content.decode()) == ""  # no source feeds cell therapy


def test_dismissed_items_leave_the_panel(client, site):
    from epitope.ingest.models import Item

    Item.objects.filter(title=CAR_T[0]).update(status=Item.DISMISSED)
    assert CAR_T[0] not in panel(client.get("/cancer-immunology/").content.decode())


def test_research_page_filters_by_facet_and_404s_on_unknown_values(client, site):
    response = client.get("/cancer-immunology/research/")
    assert response.status_code == 200
    assert [i.title for i in response.context["items"]] == [MELANOMA[0], "An mRNA cancer vaccine in melanoma", CAR_T[0]]
    html = response.content.decode()
    assert "<h1>Latest research in Cancer immunology</h1>" in html
    assert '<a href="?modality=car-t">CAR-T <span class="facet-count">(1)</span></a>' in html
    assert [i.title for i in client.get("/cancer-immunology/research/?modality=car-t").context["items"]] == [CAR_T[0]]
    assert [i.title for i in client.get("/cancer-immunology/research/?cancer_type=melanoma").context["items"]] == [
        MELANOMA[0], "An mRNA cancer vaccine in melanoma"]
    assert client.get("/cancer-immunology/research/?modality=nonsense").status_code == 404
    assert client.get("/cancer-immunology/research/?page=9").status_code == 404
    assert client.get("/no-such-hub/research/").status_code == 404


def test_hub_filter_narrows_the_panel_too(client, site):
    html = panel(client.get("/cancer-immunology/?modality=car-t").content.decode())
    assert CAR_T[0] in html and MELANOMA[0] not in html
    assert 'href="/cancer-immunology/research/?modality=car-t"' in html


def test_research_page_pages_keeping_filters(client, site):
    journal = source("Big journal", site["cancer"])
    ingest_records(journal, [record(100 + n, (f"CAR-T study {n}", "CAR-T cells for lymphoma patients in a trial."), 10 + n)
                             for n in range(21)])
    first = client.get("/cancer-immunology/research/?modality=car-t")
    assert len(first.context["items"].object_list) == 20
    assert 'href="?modality=car-t&amp;page=2"' in first.content.decode()
    second = client.get("/cancer-immunology/research/?modality=car-t&page=2")
    assert [i.title for i in second.context["items"]] == ["CAR-T study 19", "CAR-T study 20"]


def test_links_that_are_not_web_addresses_are_not_linked(client, site):
    ingest_records(source("Odd feed", site["cancer"]),
                   [record(50, ("CAR-T cells in myeloma", "CAR-T cells for myeloma patients."), 0, link="javascript:alert(1)")])
    html = panel(client.get("/cancer-immunology/").content.decode())
    assert "CAR-T cells in myeloma" in html and "javascript:" not in html


def test_titles_and_source_names_are_shown_as_text_not_markup(client, site):
    ingest_records(source("Journal <b>of</b> Trials", site["cancer"]),
                   [record(51, ("CAR-T <img src=x onerror=alert(1)> in myeloma", "CAR-T cells for myeloma patients."), 0)])
    for html in (panel(client.get("/cancer-immunology/").content.decode()),
                 client.get("/cancer-immunology/research/").content.decode()):
        assert "CAR-T &lt;img src=x onerror=alert(1)&gt; in myeloma" in html and "<img src=x" not in html
        assert "Journal &lt;b&gt;of&lt;/b&gt; Trials" in html


def test_new_public_research_purges_the_cached_hubs(client, site, page_cache):
    for path in ("/cancer-immunology/", "/immunology/", "/cell-therapy/"):
        client.get(path)
        assert is_cached(path)
    ingest_records(source("New journal", site["cancer"]),
                   [record(60, ("TIL therapy in melanoma", "Tumour-infiltrating lymphocytes for melanoma patients."))])
    assert not is_cached("/cancer-immunology/") and not is_cached("/immunology/")
    assert is_cached("/cell-therapy/")  # not a hub of that topic
    assert "TIL therapy in melanoma" in panel(client.get("/cancer-immunology/").content.decode())
    # Research nobody may see (a private source) leaves the cache alone.
    client.get("/cancer-immunology/")
    ingest_records(source("Embargoed", site["cancer"], public=False),
                   [record(61, ("CAR-NK cells in leukaemia", "CAR-NK cells for leukaemia patients."))])
    assert is_cached("/cancer-immunology/")
