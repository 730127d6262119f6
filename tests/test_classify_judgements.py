"""Editors teach the classifier: one click marks a lead or an article relevant or not, the
judgement wins at once (inbox order, badge, hub panels), survives `reclassify`, and is a
training example; the admin's "Classifier" page counts judgements and shows the model."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client

from epitope.classify.judgements import training_examples
from epitope.classify.models import Judgement, StoredClassification, TagCorrection
from epitope.ingest.models import Item
from epitope.ingest.pipeline import ingest_records
from tests import factories as f
from tests.page_cache_support import is_cached
from tests.test_classify_admin import CAR_T, LEADS, record

pytestmark = pytest.mark.django_db

CAR_T_LEAD, MELANOMA_LEAD, SOIL_LEAD = LEADS[1][1], LEADS[2][1], LEADS[0][1]


@pytest.fixture
def site():
    return f.hub_site()


@pytest.fixture
def leads(site):
    """The three leads, ingested from a public source feeding the cancer immunology hub."""
    from epitope.ingest.models import Source

    journal = Source.objects.create(name="Test journal", kind="rss", url="https://example.org/feed.xml",
                                    topic=site["cancer"], public=True)
    ingest_records(journal, [record(n, title, summary, days_ago) for n, title, summary, days_ago in LEADS])
    return {title: Item.objects.get(title=title) for _n, title, _s, _d in LEADS}


@pytest.fixture
def editor(django_user_model):
    """A logged-in editor whose browser sends the CSRF token as a real one would."""
    user = django_user_model.objects.create_superuser("alice", "alice@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def inbox(client, query=""):
    response = client.get("/admin/leads/" + query)
    return [c.title for c in response.context["page"].object_list], response.content.decode()


def lead_row(html, title):
    """Return the inbox's table row of the lead with this title."""
    return next(r for r in html[html.index("<tbody>"):].split("<tr>") if title in r)


def lead_form(html, title):
    """Return the judgement form of the lead with this title, as the inbox shows it."""
    row = lead_row(html, title)
    return re.search(r'<form method="post" action="([^"]+)" class="lead-judgement">.*?</form>', row, re.S)


def click(client, html, title, verdict):
    """Press one judgement button of a lead, as the inbox page offers it."""
    form = lead_form(html, title)
    assert f'name="verdict" value="{verdict}"' in form.group(0)
    response = client.post(form.group(1), {"csrfmiddlewaretoken": csrf_token(form.group(0)), "verdict": verdict,
                                           "next": "/admin/leads/"})
    assert response.status_code == 302 and response["Location"] == "/admin/leads/"
    return response


def research_panel(path="/cancer-immunology/"):
    html = Client().get(path).content.decode()
    match = re.search(r'<section class="research-panel".*?</section>', html, re.S)
    return match.group(0) if match else ""


def stored(item):
    return StoredClassification.objects.get(content_type=ContentType.objects.get_for_model(Item), object_id=str(item.pk))


def test_one_click_marks_a_lead_and_the_inbox_hub_and_filters_follow_at_once(editor, leads, page_cache):
    order, html = inbox(editor)
    assert order[-1] == SOIL_LEAD and set(order[:2]) == {CAR_T_LEAD, MELANOMA_LEAD}
    assert CAR_T_LEAD in research_panel() and is_cached("/cancer-immunology/")

    click(editor, html, CAR_T_LEAD, "not-relevant")
    order, html = inbox(editor)
    assert order[0] == MELANOMA_LEAD and leads[CAR_T_LEAD].cluster.__class__.objects.get(
        pk=leads[CAR_T_LEAD].cluster_id).relevance == 0.0  # ranked with the unrelated stories at once
    row = lead_row(html, CAR_T_LEAD)
    assert "Not relevant (editor)" in row and "Marked <strong>not relevant</strong> by alice" in row
    assert CAR_T_LEAD not in inbox(editor, "?relevant=1")[0]
    # The cached hub was purged and no longer lists it as research; its tags stay.
    assert not is_cached("/cancer-immunology/") and CAR_T_LEAD not in research_panel()
    assert "modality:car-t" in stored(leads[CAR_T_LEAD]).concepts

    click(editor, html, SOIL_LEAD, "relevant")
    order, html = inbox(editor)
    assert order[0] == SOIL_LEAD and SOIL_LEAD in inbox(editor, "?relevant=1")[0]
    assert SOIL_LEAD in research_panel()
    assert 'value="relevant"' not in lead_form(html, SOIL_LEAD).group(0)  # already said: change or withdraw

    click(editor, html, CAR_T_LEAD, "withdraw")  # the classifier's word again
    order, html = inbox(editor)
    assert order[0] == SOIL_LEAD and set(order[1:]) == {CAR_T_LEAD, MELANOMA_LEAD}
    car_t = stored(leads[CAR_T_LEAD])
    assert car_t.relevant and leads[CAR_T_LEAD].cluster.__class__.objects.get(
        pk=leads[CAR_T_LEAD].cluster_id).relevance == round(car_t.relevance, 4) >= 0.5
    assert CAR_T_LEAD in research_panel() and not Judgement.objects.filter(object_id=str(leads[CAR_T_LEAD].pk))
    assert "Relevant (editor)" not in lead_row(html, CAR_T_LEAD)


def test_a_judgement_needs_the_csrf_token_and_an_admin_user(leads, django_user_model):
    cluster = leads[CAR_T_LEAD].cluster
    url = f"/admin/leads/{cluster.pk}/judge/"
    reader = django_user_model.objects.create_user("reader", password="pw")
    client = Client()
    client.force_login(reader)
    assert client.post(url, {"verdict": "not-relevant"}).status_code == 302  # to the admin login
    editor = django_user_model.objects.create_superuser("bob", "bob@example.org", "pw")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(url, {"verdict": "not-relevant"}).status_code == 403
    assert not Judgement.objects.exists() and stored(leads[CAR_T_LEAD]).relevant
    assert strict.get(url).status_code == 405
    assert Client().post(url, {"verdict": "not-relevant"}).status_code == 302  # anonymous: to the login
    lax = Client()
    lax.force_login(editor)
    assert lax.post(url, {"verdict": "maybe"}).status_code == 400
    assert not Judgement.objects.exists()


def test_a_judgement_survives_reclassify_with_the_corrections_and_trains_the_next_model(editor, leads):
    car_t, soil = leads[CAR_T_LEAD], leads[SOIL_LEAD]
    _order, html = inbox(editor)
    click(editor, html, CAR_T_LEAD, "not-relevant")
    click(editor, html, SOIL_LEAD, "relevant")
    TagCorrection.objects.create(content_type=ContentType.objects.get_for_model(Item), object_id=str(car_t.pk),
                                 facet="modality", concept="car-t", action="remove")
    classifier_score = stored(car_t).data["judgement"]["classifier_relevance"]
    assert classifier_score >= 0.5  # the classifier thought it relevant; the editor did not

    StoredClassification.objects.filter(object_id=str(car_t.pk)).update(relevant=True, relevance=0.9)  # stale
    call_command("reclassify")
    kept = stored(car_t)
    assert (kept.relevant, kept.relevance) == (False, 0.0) and "modality:car-t" not in kept.concepts
    assert kept.data["judgement"]["by"] == "alice" and kept.data["judgement"]["classifier_relevance"] == classifier_score
    assert stored(soil).relevant
    order, _html = inbox(editor)
    assert order[0] == SOIL_LEAD and CAR_T_LEAD not in inbox(editor, "?relevant=1")[0]  # still as judged

    examples = training_examples()
    assert (CAR_T_LEAD, LEADS[1][2], False) in examples and (SOIL_LEAD, LEADS[0][2], True) in examples
    assert len(examples) == 2
    # Changing a judgement changes the example; the deleted item's example stays.
    click(editor, html, CAR_T_LEAD, "relevant")
    car_t.delete()
    assert (CAR_T_LEAD, LEADS[1][2], True) in training_examples()


def test_reclassify_ranks_leads_lower_when_a_new_model_scores_them_lower(leads):
    from epitope.ingest.models import Cluster

    soil = leads[SOIL_LEAD].cluster
    Cluster.objects.filter(pk=soil.pk).update(relevance=0.97)  # as an older model scored it
    call_command("reclassify")
    soil.refresh_from_db()
    assert soil.relevance == round(stored(leads[SOIL_LEAD]).relevance, 4) < 0.5


# -- the article edit form ---------------------------------------------------------------------


@pytest.fixture
def article(site):
    return f.article(site["index"], CAR_T["title"], [site["cancer"]], standfirst=CAR_T["standfirst"], hero=False)


def test_an_article_is_judged_from_its_edit_form_without_nesting_forms(editor, article):
    edit_url = f"/admin/pages/{article.pk}/edit/"
    html = editor.get(edit_url).content.decode()
    content_type = ContentType.objects.get_for_model(article).pk
    judge_url = f"/admin/classify/judge/{content_type}/{article.pk}/"
    button = re.search(r'<button type="submit" form="classify-judgement" formaction="([^"]+)" name="verdict" '
                       r'value="not-relevant"', html)
    assert button and button.group(1) == judge_url
    # The buttons' form is not the edit form nor inside it, so Enter in a field still saves the page.
    assert '<form id="classify-judgement" method="post" hidden></form>' in html
    assert html.index('<form id="classify-judgement"') < html.index('id="page-edit-form"')
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)" form="classify-judgement"', html).group(1)

    response = editor.post(judge_url, {"csrfmiddlewaretoken": token, "verdict": "not-relevant"})
    assert response.status_code == 302 and response["Location"] == edit_url
    row = StoredClassification.objects.get(content_type_id=content_type, object_id=str(article.pk))
    assert not row.relevant and row.data["judgement"]["classifier_relevant"] is True
    html = editor.get(edit_url).content.decode()
    assert "Marked <strong>not relevant</strong> by alice" in html and "Not relevant (editor)" in html
    assert 'value="withdraw"' in html and 'value="not-relevant"' not in html
    assert training_examples() == [(CAR_T["title"], CAR_T["standfirst"], False)]

    article.specific.save_revision().publish()  # classified again on publish: the judgement still wins
    assert not StoredClassification.objects.get(content_type_id=content_type, object_id=str(article.pk)).relevant
    editor.post(judge_url, {"csrfmiddlewaretoken": token, "verdict": "withdraw"})
    assert StoredClassification.objects.get(content_type_id=content_type, object_id=str(article.pk)).relevant
    assert training_examples() == []


def test_only_users_who_may_edit_the_article_may_judge_it(article, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("intern", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))  # the admin, but no page rights
    client = Client()
    client.force_login(user)
    url = f"/admin/classify/judge/{ContentType.objects.get_for_model(article).pk}/{article.pk}/"
    response = client.post(url, {"verdict": "not-relevant"})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail: "Sorry, you do not have permission"
    assert not Judgement.objects.exists()


# -- the Classifier admin page -----------------------------------------------------------------

MODEL_INFO = {
    "version": "relevance-2026-12-07",
    "trained_at": "2026-12-07T05:00:00+00:00",
    "trained_on": [{"file": "medline-1977-79-tuning.xml.gz", "records": 15002, "positives": 187,
                    "sha256": "3f5a0c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f"}],
    "judgements": 1,
    "cv": {"precision": 0.812, "recall": 0.734, "f1": 0.771, "threshold": 0.42, "folds": 5,
           "keyword": {"precision": 0.55, "recall": 0.53, "f1": 0.54}},
    "features": {"words": 20000, "concepts": 310},
}


def test_the_classifier_page_counts_judgements_and_shows_the_model(editor, leads, monkeypatch):
    import datetime

    from epitope.classify import judgement_views

    _order, html = inbox(editor)
    click(editor, html, CAR_T_LEAD, "not-relevant")
    click(editor, html, SOIL_LEAD, "relevant")
    click(editor, html, MELANOMA_LEAD, "relevant")
    # One judgement was made before the model was trained, the other two after.
    Judgement.objects.filter(title=CAR_T_LEAD).update(updated_at=datetime.datetime(2026, 12, 7, 4, tzinfo=datetime.UTC))
    Judgement.objects.exclude(title=CAR_T_LEAD).update(updated_at=datetime.datetime(2026, 12, 7, 6, tzinfo=datetime.UTC))

    monkeypatch.setattr(judgement_views, "shipped_model_info", lambda: None)
    page = editor.get("/admin/classify/").content.decode()
    assert "No trained model is installed" in page
    latest = page[page.index("Latest judgements"):]
    assert latest.index(SOIL_LEAD) < latest.index(CAR_T_LEAD)  # newest first
    assert f"<td>{CAR_T_LEAD}</td><td>item</td><td>Not relevant</td><td>alice</td>" in latest
    assert re.search(r"<dt>Judgements</dt><dd>3</dd>\s*<dt>Relevant</dt><dd>2</dd>\s*<dt>Not relevant</dt><dd>1</dd>", page)

    monkeypatch.setattr(judgement_views, "shipped_model_info", lambda: MODEL_INFO)
    page = editor.get("/admin/classify/").content.decode()
    assert "<dt>Made or changed since the model was trained</dt><dd>2</dd>" in page
    assert "7 Dec 2026 05:00 UTC" in page and "relevance-2026-12-07" in page
    assert "<td>medline-1977-79-tuning.xml.gz</td><td>15002</td><td>187</td>" in page
    assert "<td>0.812</td><td>0.734</td><td>0.771</td>" in page  # the model
    assert "<td>0.550</td><td>0.530</td><td>0.540</td>" in page  # the keyword rule, same folds
    assert "5 folds, threshold 0.42" in page and "words: 20000, concepts: 310" in page
    # The trainer may name the keyword rule's figures "keyword_rule" and count features as a number.
    renamed = {**MODEL_INFO, "features": 41250,
               "cv": {**{k: v for k, v in MODEL_INFO["cv"].items() if k != "keyword"},
                      "keyword_rule": MODEL_INFO["cv"]["keyword"]}}
    monkeypatch.setattr(judgement_views, "shipped_model_info", lambda: renamed)
    page = editor.get("/admin/classify/").content.decode()
    assert "<td>0.550</td><td>0.530</td><td>0.540</td>" in page and "<dd>41250</dd>" in page
    assert '"/admin/classify/"' in editor.get("/admin/").content.decode()  # in the Settings menu (sidebar JSON)


def test_the_classifier_page_is_for_those_allowed_to_see_judgements(django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("intern", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(user)
    response = client.get("/admin/classify/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    user.user_permissions.add(Permission.objects.get(codename="view_judgement"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get("/admin/classify/").status_code == 200


def test_a_judged_item_that_changes_at_its_source_keeps_the_judgement(editor, leads):
    from epitope.ingest.models import Source

    _order, html = inbox(editor)
    click(editor, html, CAR_T_LEAD, "not-relevant")
    n, title, _summary, days_ago = LEADS[1]
    changed = record(n, title, "In a phase 2 trial, CD19 CAR-T cells and pembrolizumab were given to 30 children "
                               "with leukaemia.", days_ago)
    ingest_records(Source.objects.get(name="Test journal"), [changed])
    row = stored(leads[CAR_T_LEAD])
    assert "modality:pd-1-inhibitor" in row.concepts  # classified again from the new text
    assert not row.relevant and CAR_T_LEAD not in inbox(editor, "?relevant=1")[0]


def test_the_classifier_page_shows_the_shipped_model_as_trained(editor):
    from epitope.classify import learned

    info = learned.model_info()
    page = editor.get("/admin/classify/").content.decode()
    assert "No trained model is installed" not in page
    assert info["version"] in page and f"<td>{info['trained_on'][0]['file']}</td>" in page
    assert f"<td>{info['cv']['f1']:.3f}</td>" in page and f"<td>{info['cv']['keyword_rule']['f1']:.3f}</td>" in page
