"""Where editors meet the classifier: their vocabulary terms and their corrections."""

from __future__ import annotations

from .classification import Classification, Tag
from .evidence import evidence_badge
from .tagger import Tagger, get_tagger


def editor_terms() -> list[dict]:
    """Return the editors' VocabularyTerm rows as plain dicts (one query), as `as_term` gives them.

    Plain SQL: asked before every classified batch (an ingest run's, too), where the ORM's query
    building cost more than the query; ordered as the model is.
    """
    from django.db import connection

    from epitope.ingest import storage

    from .models import VocabularyTerm

    qn = connection.ops.quote_name
    names = ("facet", "concept", "synonym", "label", "parent", "case_sensitive")
    with storage.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(map(qn, names))} FROM {storage.table(VocabularyTerm)} "
                       f"ORDER BY {qn('facet')}, {qn('concept')}, {qn('synonym')}")
        rows = cursor.fetchall()
    return [{"facet": facet, "concept": concept, "synonym": synonym, "label": label, "parent": parent,
             "case_sensitive": bool(case_sensitive)} for facet, concept, synonym, label, parent, case_sensitive in rows]


def editorial_tagger() -> Tagger:
    """Return the tagger for the file vocabulary plus every editor's term."""
    return get_tagger(editor_terms())


def apply_corrections(result: Classification, corrections, tagger: Tagger | None = None) -> Classification:
    """Return `result` with editors' add/remove corrections applied, in order (latest wins)."""
    vocab = (tagger or get_tagger()).vocabulary
    for correction in corrections:
        tags = result.facets.setdefault(correction.facet, [])
        tags[:] = [t for t in tags if t.concept != correction.concept]
        if correction.action == "add":
            tags.append(Tag(correction.concept, vocab.label(correction.concept), [], source="editor"))
        if correction.facet == "evidence":  # the card badge must say what the editor decided
            result.evidence_badge = evidence_badge(result.concepts("evidence"))
    return result


def corrections_for(obj) -> list:
    """Return the TagCorrections recorded for `obj`, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from .models import TagCorrection

    return list(TagCorrection.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
    ))


def classify_object(obj, title: str, text: str, subjects=()) -> Classification:
    """Return the classification of a stored object: editors' vocabulary, then their corrections."""
    tagger = editorial_tagger()
    return apply_corrections(tagger.classify(title, text, subjects), corrections_for(obj), tagger)
