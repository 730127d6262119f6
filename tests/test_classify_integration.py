"""Articles and ingested items are classified when saved; hubs can filter by facet."""

import pytest
from django.contrib.contenttypes.models import ContentType

from epitope.classify.models import StoredClassification, TagCorrection
from epitope.classify.store import classification_for, facet_filter
from tests import factories

pytestmark = pytest.mark.django_db


def test_published_article_gets_facets_with_evidence_and_hub_filters_by_them():
    site = factories.hub_site()
    car_t = factories.article(
        site["index"], "CAR-T cells clear relapsed lymphoma in a phase 1 trial",
        standfirst="Twelve patients with diffuse large B-cell lymphoma received CD19 CAR T cells.",
    )
    checkpoint = factories.article(
        site["index"], "Pembrolizumab before surgery in melanoma",
        standfirst="Neoadjuvant PD-1 blockade doubled event-free survival.",
    )
    result = classification_for(car_t)
    assert result is not None and result.relevant
    assert result.evidence_badge == "Phase 1 trial"
    tag = next(t for t in result.facets["modality"] if t.concept == "car-t")
    assert tag.spans[0].text == "CAR-T cells" and tag.spans[0].field == "title"

    from epitope.articles.models import ArticlePage

    pages = ArticlePage.objects.live()
    assert list(facet_filter(pages, "modality", "car-t")) == [car_t]
    assert list(facet_filter(pages, "modality", "cell-therapy")) == [car_t]  # parent concept
    assert list(facet_filter(pages, "cancer_type", "lymphoma")) == [car_t]  # dlbcl's parent
    assert list(facet_filter(pages, "modality", "checkpoint-inhibitor")) == [checkpoint]
    assert list(facet_filter(pages, "cancer_type", "melanoma")) == [checkpoint]


def test_editor_correction_reclassifies_and_wins():
    site = factories.hub_site()
    page = factories.article(site["index"], "CAR-T cells in myeloma", standfirst="BCMA-directed CAR T cells.")
    TagCorrection.objects.create(
        content_type=ContentType.objects.get_for_model(page), object_id=str(page.pk),
        facet="modality", concept="car-t", action="remove",
    )
    TagCorrection.objects.create(
        content_type=ContentType.objects.get_for_model(page), object_id=str(page.pk),
        facet="modality", concept="car-nk", action="add",
    )
    from epitope.articles.models import ArticlePage

    assert list(facet_filter(ArticlePage.objects.all(), "modality", "car-t")) == []
    assert list(facet_filter(ArticlePage.objects.all(), "modality", "car-nk")) == [page]
    stored = StoredClassification.objects.get(object_id=str(page.pk))
    assert "modality:car-nk" in stored.concepts and "modality:car-t" not in stored.concepts


def test_ingested_item_is_classified_on_save_using_its_subjects():
    from epitope.ingest.models import Item

    item = Item.objects.create(
        identity="pmid:1", title="Outcomes in older adults", summary="<p>Quality of life was measured.</p>",
        subjects=["Immune Checkpoint Inhibitors", "Neoplasms"], content_hash="x",
    )
    result = classification_for(item)
    assert result.relevant
    assert [t.source for t in result.facets["modality"]] == ["subject"]
    assert list(facet_filter(Item.objects.all(), "relevance", "relevant")) == [item]
