"""Classify stored objects (article pages, ingested items), keep the result, filter by facet.

`store_classification(obj)` classifies with the editors' vocabulary, applies their corrections
and relevance judgements (`editorial.py`), and saves a StoredClassification plus one ClassifiedConcept row per facet concept (ancestors
included, so filtering on "lymphoma" finds DLBCL stories). `facet_filter(queryset, facet,
concept)` is what a hub calls for `?modality=car-t`.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from .classification import Classification
from .editorial import apply_corrections, apply_judgement, editorial_tagger, judgements_for
from .inputs import INPUTS
from .models import ClassifiedConcept, StoredClassification, TagCorrection
from .signals import classification_changed
from .storage import classifications
from .vocabulary import PUBLIC_FACETS


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


def _store(objects, announce=True, fresh=frozenset(), instances=True, savepoint=True):
    """Classify and save objects of one model in a fixed number of queries; return {pk: stored}
    (or, unless `instances`, how many were stored: no model instance is made per object).

    Sends `signals.classification_changed` with the objects whose concepts, badge or relevance
    changed, so the pages showing them can be purged (unless `announce` is false).

    `fresh` holds the pks of objects the caller inserted in this very transaction (an ingest
    batch's new items): nothing can be stored for them yet, no correction nor classification
    (ids are never reused), so they are not looked up. Rows are written and replaced in plain
    SQL (`storage.classifications`).
    """
    objects = [o for o in objects if o.pk is not None and o._meta.label_lower in INPUTS]
    if not objects:
        return {} if instances else 0
    model, read = type(objects[0]), INPUTS[objects[0]._meta.label_lower]
    tagger = editorial_tagger()
    vocabulary = tagger.vocabulary
    content_type = ContentType.objects.get_for_model(model)
    type_id = content_type.pk
    known = [o.pk for o in objects if o.pk not in fresh]  # those that may have something stored
    ids = [str(pk) for pk in known]
    corrections, before, judged = {}, {}, {}
    if ids:
        judged = judgements_for(content_type, ids)
        for correction in TagCorrection.objects.filter(content_type=content_type, object_id__in=ids):
            corrections.setdefault(correction.object_id, []).append(correction)
        before = {
            object_id: (concepts, badge)
            for object_id, concepts, badge in StoredClassification.objects.filter(
                content_type=content_type, object_id__in=ids,
            ).values_list("object_id", "concepts", "evidence_badge")
        }
    now = timezone.now()
    stored, concepts, changed, scores = [], [], [], {}
    for obj in objects:
        object_id = str(obj.pk)
        title, text, subjects = read(obj)
        result = tagger.classify(title, text, subjects)
        if object_id in corrections:
            result = apply_corrections(result, corrections[object_id], tagger)
        judgement = apply_judgement(result, judged[object_id]) if object_id in judged else None
        rows = concept_rows(result, vocabulary)
        fields = _fields(result, rows)
        if judgement is not None:
            fields["data"]["judgement"] = judgement
        fields.update(content_type_id=type_id, object_id=object_id, updated_at=now)
        stored.append(fields)
        concepts += [{"content_type_id": type_id, "object_id": obj.pk, "facet": f, "concept": c} for f, c in rows]
        scores[obj.pk] = fields["relevance"]
        if before.get(object_id) != (fields["concepts"], fields["evidence_badge"]):
            changed.append(obj)
    with transaction.atomic(savepoint=savepoint):
        if before:  # freshly ingested items have nothing stored yet: two DELETEs saved per batch
            classifications.delete(type_id, known)
        created = classifications.insert(stored, concepts, now, ids=instances)
    if changed and announce:
        classification_changed.send(sender=model, objects=changed, relevance=scores)
    if not instances:
        return len(stored)
    out = {}
    for obj, fields, pk in zip(objects, stored, created, strict=True):
        row = StoredClassification(id=pk, **fields)
        row._state.adding, row._state.db = False, connection.alias
        out[obj.pk] = row
    return out


def classification_for(obj) -> Classification | None:
    """Return the stored classification of `obj`, or None if it has not been classified."""
    stored = StoredClassification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
    ).first()
    return Classification.from_dict(stored.data) if stored else None


def facet_filter(queryset, facet: str, concept: str):
    """Return `queryset` narrowed to objects tagged facet:concept (or a concept below it)."""
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
    return _store_batches(objects, batch_size, announce)


def store_ingested(items, fresh=(), batch_size=500) -> int:
    """`store_classifications` for an ingest batch, inside the transaction that stored it.

    `fresh` holds the pks of the items that transaction inserted: nothing is stored for them
    yet, so they are not looked up (an updated item's corrections still apply, its old rows
    are still replaced). No savepoint of its own: the caller's atomic block is the one a
    failure rolls back to.
    """
    return _store_batches(items, batch_size, True, frozenset(fresh), savepoint=False)


def _store_batches(objects, batch_size, announce, fresh=frozenset(), savepoint=True):
    done, batch = 0, []
    for obj in objects:
        if batch and (type(obj) is not type(batch[0]) or len(batch) >= batch_size):
            done += _store(batch, announce, fresh, instances=False, savepoint=savepoint)
            batch = []
        batch.append(obj)
    if batch:
        done += _store(batch, announce, fresh, instances=False, savepoint=savepoint)
    return done
