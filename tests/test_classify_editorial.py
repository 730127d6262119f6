"""Editors extend the vocabulary in the admin and their corrections beat the classifier."""

import pytest

from epitope.classify.editorial import apply_corrections, classify_object, editorial_tagger
from epitope.classify.models import TagCorrection, VocabularyTerm
from epitope.classify.tagger import classify

pytestmark = pytest.mark.django_db

TEXT = "Patients with glioblastoma received ZX-42 cells."


def test_editor_added_term_is_picked_up_without_a_restart():
    assert "car-t" not in editorial_tagger().classify("", TEXT).concepts("modality")
    VocabularyTerm.objects.create(facet="modality", concept="car-t", synonym="ZX-42 cells")
    result = editorial_tagger().classify("", TEXT)
    tag = next(t for t in result.facets["modality"] if t.concept == "car-t")
    assert tag.spans[0].text == "ZX-42 cells"
    assert result.relevant


def test_editor_term_can_be_a_new_concept():
    VocabularyTerm.objects.create(facet="target", concept="cldn6", synonym="claudin 6", label="CLDN6")
    result = editorial_tagger().classify("", "CAR T cells against Claudin-6 in testicular cancer.")
    assert [t.label for t in result.facets["target"]] == ["CLDN6"]


def test_corrections_win_over_the_classifier(django_user_model):
    obj = django_user_model.objects.create(username="stand-in-object")
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(obj)
    TagCorrection.objects.create(content_type=ct, object_id=str(obj.pk), facet="cancer_type",
                                 concept="glioblastoma", action="remove", note="only mentioned")
    TagCorrection.objects.create(content_type=ct, object_id=str(obj.pk), facet="modality",
                                 concept="car-t", action="add")
    result = classify_object(obj, "", TEXT)
    assert "glioblastoma" not in result.concepts("cancer_type")
    assert [(t.concept, t.source) for t in result.facets["modality"]] == [("car-t", "editor")]


def test_later_correction_wins_over_an_earlier_one():
    class C:
        def __init__(self, action):
            self.facet, self.concept, self.action = "modality", "car-t", action

    base = classify("", "CAR-T cells in myeloma.")
    assert "car-t" not in apply_corrections(base, [C("add"), C("remove")]).concepts("modality")
    assert "car-t" in apply_corrections(base, [C("remove"), C("add")]).concepts("modality")


def test_editor_adds_a_synonym_through_the_wagtail_snippet_admin(client, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(editor)
    url = "/admin/snippets/classify/vocabularyterm/add/"
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "facet": "modality", "concept": "car-t", "synonym": "ZX-42 cells", "label": "", "parent": "",
    })
    assert response.status_code == 302, response.content[:2000]
    assert VocabularyTerm.objects.filter(synonym="ZX-42 cells").exists()
    assert "car-t" in editorial_tagger().classify("", TEXT).concepts("modality")


def test_editor_corrects_an_article_through_the_snippet_admin(client, django_user_model):
    from django.contrib.contenttypes.models import ContentType

    from epitope.classify.store import classification_for
    from tests import factories

    site = factories.hub_site()
    page = factories.article(site["index"], "CAR-T cells in myeloma", standfirst="BCMA CAR T cells.")
    assert "car-t" in classification_for(page).concepts("modality")
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw"))
    response = client.post("/admin/snippets/classify/tagcorrection/add/", {
        "content_type": ContentType.objects.get_for_model(page).pk, "object_id": str(page.pk),
        "facet": "modality", "concept": "car-t", "action": "remove", "note": "it is CAR-NK",
    })
    assert response.status_code == 302, response.content[:2000]
    assert "car-t" not in classification_for(page).concepts("modality")


def test_clashing_editor_term_is_refused_in_the_admin_and_skipped_by_the_tagger(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw"))
    response = client.post("/admin/snippets/classify/vocabularyterm/add/", {
        "facet": "modality", "concept": "car-nk", "synonym": "CAR-T", "label": "", "parent": "",
    })
    assert response.status_code == 200 and b"several concepts" in response.content
    assert not VocabularyTerm.objects.exists()
    # A clashing row that reached the database anyway (say, by a data import) is skipped, not fatal.
    VocabularyTerm.objects.create(facet="modality", concept="car-nk", synonym="CAR-T")
    VocabularyTerm.objects.create(facet="modality", concept="car-t", synonym="ZX-42 cells")
    result = editorial_tagger().classify("", TEXT)
    assert "car-t" in result.concepts("modality")
