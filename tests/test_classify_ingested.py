"""Ingested items are classified in their batch's transaction, new ones and changed ones alike.

New items are written with plain INSERTs and never looked up (nothing can be stored for them);
an updated item's old rows are replaced and an editor's corrections on it still win.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from epitope.classify.editorial import editor_terms, editorial_tagger
from epitope.classify.inputs import record_inputs
from epitope.classify.models import ClassifiedConcept, StoredClassification, TagCorrection, VocabularyTerm
from epitope.classify.signals import classification_changed
from epitope.classify.store import classification_for, concept_rows, store_classification
from epitope.ingest.lead_tags import raise_relevance
from epitope.ingest.models import Cluster, Item, Source
from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record

pytestmark = pytest.mark.django_db

CAR_T = "CD19 CAR T cells in relapsed diffuse large B-cell lymphoma: a phase 2 trial in 40 patients"
PD1 = "Pembrolizumab for advanced melanoma: PD-1 blockade doubled event-free survival"


def paper(n, title, summary=""):
    return Record(
        title=title, link=f"https://pubmed.ncbi.nlm.nih.gov/{38000000 + n}/", authors=["Ada Lovelace"],
        published=dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.timezone.utc), summary=summary or f"<p>{title}.</p>",
        identifiers={"pmid": str(38000000 + n)}, kind="paper", source_format="pubmed", raw=f"<x>{n}</x>",
    )


@pytest.fixture
def source():
    return Source.objects.create(name="PubMed: CAR-T", kind="pubmed", query="car-t")


def concepts_of(item):
    return set(ClassifiedConcept.objects.filter(
        content_type=ContentType.objects.get_for_model(Item), object_id=item.pk,
    ).values_list("facet", "concept"))


def expected(item, corrections=()):
    from epitope.classify.editorial import apply_corrections

    tagger = editorial_tagger()
    result = apply_corrections(tagger.classify(*record_inputs(item)), list(corrections), tagger)
    return result, concept_rows(result, tagger.vocabulary)


@pytest.fixture
def sent():
    calls = []

    def receiver(sender, objects, relevance=None, **kwargs):
        calls.append((sender, list(objects), dict(relevance or {})))

    classification_changed.connect(receiver, dispatch_uid="test-classify-ingested")
    yield calls
    classification_changed.disconnect(dispatch_uid="test-classify-ingested")


def test_new_items_are_stored_classified_with_their_concepts_and_announced(source, sent):
    ingest_records(source, [paper(1, CAR_T), paper(2, PD1)])
    items = list(Item.objects.order_by("pk"))
    assert len(items) == 2
    for item in items:
        result, rows = expected(item)
        stored = StoredClassification.objects.get(content_type=ContentType.objects.get_for_model(Item),
                                                  object_id=str(item.pk))
        assert stored.data == result.to_dict()
        assert stored.concepts == sorted(f"{f}:{c}" for f, c in rows)
        assert (stored.relevance, stored.relevant) == (result.relevance, result.relevant)
        assert stored.evidence_badge == (result.evidence_badge or "")
        assert stored.vocabulary_version == result.vocabulary_version and stored.updated_at is not None
        assert concepts_of(item) == rows
    assert ("modality", "car-t") in concepts_of(items[0])
    # One signal per batch, with the stored items (pk, source, cluster) and every score.
    (sender, objects, relevance), = sent
    assert sender is Item
    assert [(o.pk, o.source_id, o.cluster_id) for o in objects] == [(i.pk, i.source_id, i.cluster_id) for i in items]
    scores = dict(StoredClassification.objects.values_list("object_id", "relevance"))
    assert relevance == {i.pk: scores[str(i.pk)] for i in items}
    # The clusters' relevance is raised to their items'.
    for item in items:
        assert Cluster.objects.get(pk=item.cluster_id).relevance == round(scores[str(item.pk)], 4)


def test_an_updated_item_is_reclassified_its_old_rows_replaced_and_corrections_applied(source, sent):
    ingest_records(source, [paper(1, CAR_T)])
    item = Item.objects.get()
    assert ("modality", "car-t") in concepts_of(item)
    ct = ContentType.objects.get_for_model(Item)
    TagCorrection.objects.create(content_type=ct, object_id=str(item.pk), facet="target", concept="bcma",
                                 action="add")
    sent.clear()

    ingest_records(source, [paper(1, PD1)])  # the same pmid, new words: an update
    item = Item.objects.get()
    corrections = TagCorrection.objects.filter(content_type=ct, object_id=str(item.pk))
    result, rows = expected(item, corrections)
    assert ("modality", "car-t") not in rows and ("modality", "checkpoint-inhibitor") in rows
    assert ("target", "bcma") in rows  # the editor's addition survives re-classification
    assert concepts_of(item) == rows
    assert StoredClassification.objects.filter(content_type=ct, object_id=str(item.pk)).count() == 1
    assert classification_for(item).to_dict() == result.to_dict()
    assert [o.pk for _s, objects, _r in sent for o in objects] == [item.pk]

    sent.clear()
    ingest_records(source, [paper(1, PD1, summary="<p>The same words, told again.</p>")])
    # Still one row each, and the same tags: not announced again, nothing duplicated.
    assert StoredClassification.objects.filter(content_type=ct, object_id=str(item.pk)).count() == 1
    assert ("target", "bcma") in concepts_of(item)


def test_an_unchanged_reclassification_is_not_announced(source, sent):
    ingest_records(source, [paper(1, CAR_T)])
    sent.clear()
    ingest_records(source, [paper(1, CAR_T, summary=f"<p>{CAR_T}</p>")])  # changed, same words
    assert Item.objects.get().seen_hashes and len(Item.objects.get().seen_hashes) == 2
    assert sent == []


def test_store_classification_returns_the_saved_row(source):
    ingest_records(source, [paper(1, CAR_T)])
    item = Item.objects.get()
    stored = store_classification(item)
    row = StoredClassification.objects.get(object_id=str(item.pk))
    assert stored.pk == row.pk and not stored._state.adding
    assert (stored.concepts, stored.data, stored.relevance) == (row.concepts, row.data, row.relevance)
    assert concepts_of(item) == expected(item)[1]


def test_raise_relevance_only_raises():
    low, high = Cluster.objects.create(title="a", relevance=0.2), Cluster.objects.create(title="b", relevance=0.9)
    assert raise_relevance({low.pk: 0.512345, high.pk: 0.5, 999999: 1.0}) == 1
    low.refresh_from_db(), high.refresh_from_db()
    assert (low.relevance, high.relevance) == (0.5123, 0.9)
    assert raise_relevance({}) == 0


def test_editor_terms_are_the_terms_rows():
    VocabularyTerm.objects.create(facet="modality", concept="car-t", synonym="CAR-T19", case_sensitive=True)
    VocabularyTerm.objects.create(facet="target", concept="gprc5d-x", synonym="gprc5d x", label="GPRC5D-X")
    assert editor_terms() == [term.as_term() for term in VocabularyTerm.objects.all()]
    assert editor_terms()[0]["case_sensitive"] is True
