"""Classify stored objects (article pages, ingested items), keep the result, filter by facet.

`store_classification(obj)` classifies with the editors' vocabulary, applies their corrections
and saves a StoredClassification plus one ClassifiedConcept row per facet concept (ancestors
included, so filtering on "lymphoma" finds DLBCL stories). `facet_filter(queryset, facet,
concept)` is what a hub calls for `?modality=car-t`.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .editorial import classify_object
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
    from .editorial import editorial_tagger
    from .models import ClassifiedConcept, StoredClassification

    label = obj._meta.label_lower
    if label not in INPUTS:
        return None
    title, text, subjects = INPUTS[label](obj)
    result = classify_object(obj, title, text, subjects)
    content_type = ContentType.objects.get_for_model(obj)
    with transaction.atomic():
        stored, _ = StoredClassification.objects.update_or_create(
            content_type=content_type, object_id=str(obj.pk),
            defaults={
                "relevance": result.relevance, "relevant": result.relevant,
                "evidence_badge": result.evidence_badge or "",
                "concepts": sorted(f"{f}:{c}" for f, c in concept_rows(result, editorial_tagger().vocabulary)),
                "data": result.to_dict(), "vocabulary_version": result.vocabulary_version,
            },
        )
        ClassifiedConcept.objects.filter(content_type=content_type, object_id=obj.pk).delete()
        ClassifiedConcept.objects.bulk_create([
            ClassifiedConcept(content_type=content_type, object_id=obj.pk, facet=facet, concept=concept)
            for facet, concept in concept_rows(result, editorial_tagger().vocabulary)
        ])
    return stored


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


def store_classifications(objects) -> int:
    """Classify many objects (e.g. items an ingest run bulk-created, which fires no signals)."""
    done = 0
    for obj in objects:
        if store_classification(obj) is not None:
            done += 1
    return done
