"""Classify stored objects (article pages, ingested items), keep the result, filter by facet.

`store_classification(obj)` classifies with the editors' vocabulary, applies their corrections
and saves a StoredClassification plus one ClassifiedConcept row per facet concept (ancestors
included, so filtering on "lymphoma" finds DLBCL stories). `facet_filter(queryset, facet,
concept)` is what a hub calls for `?modality=car-t`.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .facets import Classification
from .inputs import article_inputs, record_inputs
from .vocabulary import PUBLIC_FACETS

INPUTS = {"articles.articlepage": article_inputs, "ingest.item": record_inputs}


def concept_rows(result: Classification, vocabulary) -> set[tuple[str, str]]:
    """Return every (facet, concept) the object should be findable by, ancestors included."""
    rows = set()
    for facet in PUBLIC_FACETS:
        for tag in result.facets.get(facet, []):
            rows.add((facet, tag.concept))
            rows.update((facet, parent) for parent in vocabulary.ancestors(tag.concept))
    if result.relevant:
        rows.add(("relevance", "relevant"))
    return rows


def store_classification(obj):
    """Classify `obj` and save the result; return the StoredClassification (None if unsupported)."""
    return _store([obj]).get(obj.pk)


def _fields(result: Classification, rows) -> dict:
    return {
        "relevance": result.relevance, "relevant": result.relevant,
        "evidence_badge": result.evidence_badge or "",
        "concepts": sorted(f"{f}:{c}" for f, c in rows),
        "data": result.to_dict(), "vocabulary_version": result.vocabulary_version,
    }


def _store(objects, announce=True) -> dict:
    """Classify and save objects of one model in a fixed number of queries; return {pk: stored}.

    Sends `signals.classification_changed` with the objects whose concepts, badge or relevance
    changed, so the pages showing them can be purged (unless `announce` is false).
    """
    from .editorial import apply_corrections, editorial_tagger
    from .models import ClassifiedConcept, StoredClassification, TagCorrection
    from .signals import classification_changed

    objects = [o for o in objects if o.pk is not None and o._meta.label_lower in INPUTS]
    if not objects:
        return {}
    model, read = type(objects[0]), INPUTS[objects[0]._meta.label_lower]
    tagger = editorial_tagger()
    content_type = ContentType.objects.get_for_model(model)
    ids = [str(o.pk) for o in objects]
    corrections = {}
    for correction in TagCorrection.objects.filter(content_type=content_type, object_id__in=ids):
        corrections.setdefault(correction.object_id, []).append(correction)
    before = {
        object_id: (concepts, badge)
        for object_id, concepts, badge in StoredClassification.objects.filter(
            content_type=content_type, object_id__in=ids,
        ).values_list("object_id", "concepts", "evidence_badge")
    }
    stored, concepts, changed = [], [], []
    for obj in objects:
        title, text, subjects = read(obj)
        result = apply_corrections(tagger.classify(title, text, subjects), corrections.get(str(obj.pk), []), tagger)
        rows = concept_rows(result, tagger.vocabulary)
        fields = _fields(result, rows)
        stored.append(StoredClassification(content_type=content_type, object_id=str(obj.pk), **fields))
        concepts += [ClassifiedConcept(content_type=content_type, object_id=obj.pk, facet=f, concept=c) for f, c in rows]
        if before.get(str(obj.pk)) != (fields["concepts"], fields["evidence_badge"]):
            changed.append(obj)
    with transaction.atomic():
        if before:  # freshly ingested items have nothing stored yet: two DELETEs saved per batch
            StoredClassification.objects.filter(content_type=content_type, object_id__in=ids).delete()
            ClassifiedConcept.objects.filter(content_type=content_type, object_id__in=[o.pk for o in objects]).delete()
        created = StoredClassification.objects.bulk_create(stored)
        ClassifiedConcept.objects.bulk_create(concepts, batch_size=2000)
    if changed and announce:
        scores = {obj.pk: row.relevance for obj, row in zip(objects, stored, strict=True)}
        classification_changed.send(sender=model, objects=changed, relevance=scores)
    return {obj.pk: row for obj, row in zip(objects, created, strict=True)}


def classification_for(obj) -> Classification | None:
    """Return the stored classification of `obj`, or None if it has not been classified."""
    from .models import StoredClassification

    stored = StoredClassification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
    ).first()
    return Classification.from_dict(stored.data) if stored else None


def facet_filter(queryset, facet: str, concept: str):
    """Return `queryset` narrowed to objects tagged facet:concept (or a concept below it)."""
    from .models import ClassifiedConcept

    matching = ClassifiedConcept.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), facet=facet, concept=concept,
    ).values("object_id")
    return queryset.filter(pk__in=matching)


def store_classifications(objects, batch_size=500, announce=True) -> int:
    """Classify many objects (e.g. items an ingest run bulk-created, which fires no signals).

    A few queries per batch of one model, not several per object; return how many were stored.
    `announce=False` sends no `classification_changed`: for a bulk load (`generate-data`) that
    no page shows yet, where purging each article's pages would cost more than classifying it;
    the caller then refreshes what the signal's receivers keep (clusters' relevance).
    """
    done, batch = 0, []
    for obj in objects:
        if batch and (type(obj) is not type(batch[0]) or len(batch) >= batch_size):
            done += len(_store(batch, announce))
            batch = []
        batch.append(obj)
    if batch:
        done += len(_store(batch, announce))
    return done
