"""The Leads inbox and Sources admin, driven through the Django test client as an editor would."""

import datetime as dt
import html

import pytest
from django.test import Client

from epitope.ingest.models import Cluster, Item, Source, Tombstone
from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record
from tests import factories
from tests.test_ingest_store_clusters import LUPUS, NEWS, PRESS_RELEASE, PUBMED

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def site():
    return factories.hub_site()


@pytest.fixture
def admin_client(django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leads(site):
    press = Source.objects.create(name="EurekAlert", url="https://eurekalert.example/rss", topic=site["cell"])
    news = Source.objects.create(name="Science news", url="https://news.example/rss", topic=site["cancer"])
    pubmed = Source.objects.create(name="PubMed CAR-T", kind="pubmed", query="CAR-T", topic=site["cell"])
    other = Source.objects.create(name="Rheumatology news", url="https://rheum.example/rss")
    ingest_records(press, [PRESS_RELEASE])
    ingest_records(news, [NEWS])
    ingest_records(pubmed, [PUBMED])
    ingest_records(other, [LUPUS])
    trial = Item.objects.get(nct="NCT04049513").cluster
    lupus = Item.objects.get(title=LUPUS.title).cluster
    return {"trial": trial, "lupus": lupus, "press": press, "other": other, "pubmed": pubmed}


def test_leads_inbox_lists_clusters_most_covered_first(admin_client, leads):
    Cluster.objects.filter(pk=leads["trial"].pk).update(last_seen=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    newest = text(admin_client.get("/admin/leads/?order=newest"))  # the default order is by relevance
    covered = text(admin_client.get("/admin/leads/?order=covered"))
    assert newest.index(LUPUS.title) < newest.index(PUBMED.title)
    assert covered.index(PUBMED.title) < covered.index(LUPUS.title)
    assert "3 sources, 3 items" in covered
    assert "NCT04049513" in covered


def test_a_lead_lists_its_newest_items_and_links_to_all_of_them(admin_client, leads, monkeypatch):
    from epitope.ingest import lead_lines

    monkeypatch.setattr(lead_lines, "ITEMS_SHOWN", 1)
    trial = leads["trial"]
    items = list(Item.objects.filter(cluster=trial).order_by("-published", "-pk"))
    inbox = text(admin_client.get("/admin/leads/?order=covered"))
    assert [i.title for i in items if f'href="{i.link}"' in inbox] == [items[0].title]
    assert f'href="?cluster={trial.pk}">+2 more items</a>' in inbox
    story = text(admin_client.get(f"/admin/leads/?cluster={trial.pk}"))
    assert all(f'href="{i.link}"' in story for i in items)
    assert LUPUS.title not in story and "more item" not in story
    assert "Create draft" in story and "Dismiss" in story  # the whole story, still a lead to act on


def count_queries(get):
    from django.db import connection

    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        get()
    return len(queries)


def test_leads_inbox_queries_do_not_grow_with_the_items_listed(admin_client, leads):
    """The inbox reads only the item fields it shows: one more lead on the page costs no query."""
    admin_client.get("/admin/leads/")  # the session and the vocabulary are read once
    before = count_queries(lambda: admin_client.get("/admin/leads/"))
    source = Source.objects.create(name="Another feed", url="https://another.example/rss")
    ingest_records(source, [Record(
        title="Tumour-infiltrating lymphocytes in sarcoma", link="https://another.example/til-sarcoma",
        summary="<p>Lymphocytes inside sarcomas predicted response.</p>", identifiers={"pmid": "4242"},
    )])
    page = text(admin_client.get("/admin/leads/"))
    assert "Tumour-infiltrating lymphocytes in sarcoma" in page and "PMID 4242" in page and "Another feed" in page
    assert count_queries(lambda: admin_client.get("/admin/leads/")) == before


def test_leads_filter_by_source_and_topic(admin_client, leads, site):
    by_source = text(admin_client.get(f"/admin/leads/?source={leads['other'].pk}"))
    assert LUPUS.title in by_source and PRESS_RELEASE.title not in by_source
    by_topic = text(admin_client.get(f"/admin/leads/?topic={site['cancer'].pk}"))  # includes Cell therapy
    assert PRESS_RELEASE.title in by_topic and LUPUS.title not in by_topic


def test_editors_search_leads_by_words(admin_client, leads):
    found = text(admin_client.get("/admin/leads/?q=lupus+remission"))
    assert LUPUS.title in found and PUBMED.title not in found
    assert PUBMED.title in text(admin_client.get("/admin/leads/?q=" + "%22large+B-cell%22"))
    for odd in ['"', "AND OR (", "\x00", "x" * 10_000]:
        assert admin_client.get("/admin/leads/", {"q": odd}).status_code == 200


def test_search_page_offers_editors_the_matching_leads(admin_client, client, leads):
    assert "/admin/leads/?q=lupus" in admin_client.get("/search/?q=lupus").content.decode()
    assert "/admin/leads/" not in client.get("/search/?q=lupus").content.decode()


def test_create_draft_makes_a_prefilled_news_draft_and_opens_it(admin_client, leads, site):
    from epitope.articles.models import ArticlePage

    response = admin_client.post(f"/admin/leads/{leads['trial'].pk}/draft/")
    page = ArticlePage.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{page.pk}/edit/"
    assert not page.live and page.article_type == "news"
    assert page.get_parent().specific == site["index"]
    assert page.title == PRESS_RELEASE.title  # the press release's headline, not the paper's
    assert page.standfirst.startswith("A phase 1 trial (ClinicalTrials.gov NCT04049513)") and "<p>" not in page.standfirst
    refs = {(r.kind, r.identifier) for r in page.references.all()}
    assert {("doi", "10.1056/nejmoa2409876"), ("pmid", "39512345"), ("nct", "NCT04049513")} <= refs
    body = str(page.body[0].value)
    assert 'href="https://www.eurekalert.org/news-releases/1050123"' in body and "PubMed CAR-T" in body
    draft = page.get_latest_revision_as_object()
    assert {t.pk for t in draft.topics.all()} == {site["cell"].pk, site["cancer"].pk}
    assert set(Item.objects.filter(cluster=leads["trial"]).values_list("status", flat=True)) == {"drafted"}
    assert admin_client.get(response["Location"]).status_code == 200
    assert PRESS_RELEASE.title not in text(admin_client.get("/admin/leads/"))


def test_dismiss_removes_the_lead_from_the_inbox(admin_client, leads):
    response = admin_client.post(f"/admin/leads/{leads['lupus'].pk}/dismiss/")
    assert response.status_code == 302
    assert Item.objects.get(title=LUPUS.title).status == "dismissed"
    assert "Dismissed" in text(admin_client.get(response["Location"]))  # the confirmation, shown once
    assert LUPUS.title not in text(admin_client.get("/admin/leads/"))


def test_lead_actions_are_post_only_with_csrf(leads, django_user_model):
    user = django_user_model.objects.create_superuser("strict", "s@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(f"/admin/leads/{leads['lupus'].pk}/dismiss/").status_code == 405
    assert client.post(f"/admin/leads/{leads['lupus'].pk}/dismiss/").status_code == 403
    assert Item.objects.get(title=LUPUS.title).status == "new"


def test_leads_need_an_admin_login(client, leads):
    assert client.get("/admin/leads/").status_code == 302
    assert client.post(f"/admin/leads/{leads['lupus'].pk}/dismiss/").status_code == 302
    assert Item.objects.get(title=LUPUS.title).status == "new"


def test_editors_add_pause_and_remove_sources_in_the_admin(admin_client, site):
    form = {"name": "Nature Cancer", "kind": "rss", "url": "https://www.nature.com/natcancer.rss", "query": "",
            "topic": site["cancer"].pk, "interval_minutes": 120, "active": "on", "public": "on"}
    assert admin_client.post("/admin/ingest_sources/new/", form).status_code == 302
    source = Source.objects.get(name="Nature Cancer")
    assert source.public and source.active and source.topic == site["cancer"]
    form.pop("active")
    assert admin_client.post(f"/admin/ingest_sources/edit/{source.pk}/", form).status_code == 302
    source.refresh_from_db()
    assert source.status == "paused"
    assert "Nature Cancer" in text(admin_client.get("/admin/ingest_sources/"))
    assert admin_client.post(f"/admin/ingest_sources/delete/{source.pk}/").status_code == 302
    assert not Source.objects.exists()


def test_deleting_an_item_in_the_admin_keeps_it_from_coming_back(admin_client, leads):
    item = Item.objects.get(title=LUPUS.title)
    assert admin_client.post(f"/admin/ingest_items/delete/{item.pk}/").status_code == 302
    assert Tombstone.objects.filter(identity=item.identity).exists()
    summary = ingest_records(leads["other"], [LUPUS])
    assert summary.skipped == 1 and not Item.objects.filter(title=LUPUS.title).exists()
