"""Editors see the classifier's tags with the words behind them, correct them, and leads are ranked by relevance."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record
from tests import factories as f

pytestmark = pytest.mark.django_db

CAR_T = dict(title="CAR-T cells in relapsed lymphoma",
             standfirst="A phase 1 trial gave CD19 CAR-T cells to 24 patients with lymphoma after chemotherapy failed.")


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def site():
    site = f.hub_site()
    site["car_t"] = f.article(site["index"], CAR_T["title"], [site["cancer"]], standfirst=CAR_T["standfirst"], hero=False)
    return site


def hub_titles(_client, query):
    """Return the hub's cards as an anonymous reader sees them."""
    from django.test import Client

    return [a.title for a in Client().get("/cancer-immunology/" + query).context["cards"]]


def test_edit_view_shows_tags_with_the_words_that_triggered_them(editor, site):
    html = editor.get(f"/admin/pages/{site['car_t'].pk}/edit/").content.decode()
    assert "Classifier tags" in html
    assert "<strong>CAR-T</strong> — “CAR-T cells”" in html
    assert "<strong>Phase 1</strong> — “phase 1”" in html
    assert "Card badge: <strong>Phase 1 trial</strong>" in html
    content_type = ContentType.objects.get_for_model(site["car_t"]).pk
    assert f"/admin/classify/correct/{content_type}/{site['car_t'].pk}/?action=remove&amp;facet=modality&amp;concept=car-t" in html


def test_a_correction_made_in_the_admin_wins_and_survives_republishing(editor, site):
    article = site["car_t"]
    url = f"/admin/classify/correct/{ContentType.objects.get_for_model(article).pk}/{article.pk}/"
    form = editor.get(url + "?action=remove&facet=modality&concept=car-t").content.decode()
    assert 'value="car-t"' in form and '<option value="remove" selected>' in form
    response = editor.post(url, {"action": "remove", "facet": "modality", "concept": "car-t",
                                 "next": f"/admin/pages/{article.pk}/edit/"})
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{article.pk}/edit/"
    assert hub_titles(editor, "?modality=car-t") == []
    assert hub_titles(editor, "?target=cd19") == [CAR_T["title"]]  # only the corrected tag changed

    response = editor.post(url, {"action": "add", "facet": "modality", "concept": "tcr-t", "note": "It is TCR-T."})
    assert response.status_code == 302
    article.specific.save_revision().publish()  # classified again on publish: corrections still win
    assert hub_titles(editor, "?modality=car-t") == []
    assert hub_titles(editor, "?modality=tcr-t") == [CAR_T["title"]]


def test_a_correction_naming_an_unknown_concept_is_refused(editor, site):
    article = site["car_t"]
    url = f"/admin/classify/correct/{ContentType.objects.get_for_model(article).pk}/{article.pk}/"
    response = editor.post(url, {"action": "add", "facet": "modality", "concept": "melanoma"})
    assert response.status_code == 200
    assert "The vocabulary has no concept “melanoma” in this facet" in response.content.decode()
    # A generic concept is never shown on its own, so an editor is sent to the specific ones.
    response = editor.post(url, {"action": "add", "facet": "modality", "concept": "car"})
    assert response.status_code == 200
    assert "stands for “car-t” unless the record names car-nk, car-macrophage" in response.content.decode()


def test_only_editors_may_correct(client, site, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    article = site["car_t"]
    url = f"/admin/classify/correct/{ContentType.objects.get_for_model(article).pk}/{article.pk}/"
    assert client.post(url, {"action": "remove", "facet": "modality", "concept": "car-t"}).status_code in (302, 403)
    assert hub_titles(client, "?modality=car-t") == [CAR_T["title"]]


# -- leads -----------------------------------------------------------------------------------


def record(n, title, summary, days_ago=0, kind="paper"):
    return Record(title=title, summary=summary, kind=kind, link=f"https://example.org/paper/{n}",
                  identifiers={"doi": f"10.5555/lead.{n}"},
                  published=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC) - datetime.timedelta(days=days_ago))


LEADS = [
    (1, "Soil bacteria in dry grassland", "Bacterial diversity changed after a drought in 40 plots.", 0),
    (2, "CD19 CAR-T cells in children with leukaemia",
     "In a phase 2 trial, 30 children with B-cell acute lymphoblastic leukaemia received CD19 CAR-T cells.", 5),
    (3, "Pembrolizumab in melanoma mice", "A PD-1 inhibitor shrank melanoma tumours in mice.", 2),
]


@pytest.fixture
def source():
    from epitope.ingest.models import Source

    return Source.objects.create(name="Test journal", kind="rss", url="https://example.org/feed.xml")


@pytest.fixture
def leads(source):
    """Items saved one by one, each its own story (the pipeline's path is tested below)."""
    from epitope.ingest.models import Cluster, Item

    for n, title, summary, days_ago in LEADS:
        rec = record(n, title, summary, days_ago)
        cluster = Cluster.objects.create(title=title, last_seen=rec.published, size=1, source_count=1)
        Item.objects.create(source=source, identity=f"doi:10.5555/lead.{n}", title=title, summary=summary,
                            link=rec.link, kind="paper", published=rec.published, cluster=cluster, content_hash=str(n))
    return source


def test_bulk_ingested_items_are_classified(source):
    from epitope.classify.models import StoredClassification
    from epitope.ingest.models import Item

    ingest_records(source, [record(n, title, summary, days) for n, title, summary, days in LEADS])

    item = Item.objects.get(identity="doi:10.5555/lead.2")

    def stored_for(item):
        return StoredClassification.objects.get(content_type=ContentType.objects.get_for_model(Item), object_id=str(item.pk))

    stored = stored_for(item)
    assert stored.relevant and "modality:car-t" in stored.concepts and stored.evidence_badge == "Phase 2 trial"
    soil = Item.objects.get(identity="doi:10.5555/lead.1")
    assert item.cluster.relevance == round(stored.relevance, 4) > soil.cluster.relevance  # leads rank by it
    # An item that changes is classified again.
    ingest_records(source, [record(2, "CD19 CAR-T cells in children with leukaemia",
                                  "In mice, CAR-T cells given with pembrolizumab cleared leukaemia and the treated "
                                  "mice lived longer.", 5)])
    stored = stored_for(item)
    assert "modality:pd-1-inhibitor" in stored.concepts and "modality:car-t" in stored.concepts
    assert stored.evidence_badge == "Mouse study"


def lead_titles(response):
    return [cluster.title for cluster in response.context["page"].object_list]


def test_leads_inbox_ranks_by_relevance_and_filters_relevant_only(editor, leads):
    ranked = lead_titles(editor.get("/admin/leads/"))
    assert ranked[-1] == "Soil bacteria in dry grassland"
    assert set(ranked[:2]) == {"CD19 CAR-T cells in children with leukaemia", "Pembrolizumab in melanoma mice"}
    assert lead_titles(editor.get("/admin/leads/?order=newest"))[0] == "Soil bacteria in dry grassland"
    relevant = lead_titles(editor.get("/admin/leads/?relevant=1"))
    assert "Soil bacteria in dry grassland" not in relevant and len(relevant) == 2


def test_leads_show_facets_with_evidence_and_a_correction_link(editor, leads):
    from epitope.ingest.models import Item

    html = editor.get("/admin/leads/").content.decode()
    assert "<strong>CAR-T</strong> — “CD19 CAR-T cells”" in html or "<strong>CAR-T</strong> — “CAR-T cells”" in html
    assert "<strong>Melanoma</strong> — “melanoma”" in html
    assert "Relevant (" in html and "Not relevant (" in html
    item = Item.objects.get(identity="doi:10.5555/lead.3")
    url = f"/admin/classify/correct/{ContentType.objects.get_for_model(Item).pk}/{item.pk}/"
    assert url + "?action=remove&amp;facet=cancer_type&amp;concept=melanoma" in html
    editor.post(url, {"action": "remove", "facet": "cancer_type", "concept": "melanoma"})
    assert "<strong>Melanoma</strong>" not in editor.get("/admin/leads/").content.decode()
