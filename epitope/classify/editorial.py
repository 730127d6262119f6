"""Where editors meet the classifier: their vocabulary terms, their corrections and their
relevance judgements, applied to what the classifier found (recording judgements: `judgements.py`)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .classification import Classification, Tag
from .evidence import evidence_badge
from .models import Judgement, TagCorrection
from .storage import vocabulary_terms
from .tagger import Tagger, get_tagger


def editor_terms() -> list[dict]:
    """Return the editors' VocabularyTerm rows as plain dicts (one query), as `as_term` gives them.

    Plain SQL: asked before every classified batch (an ingest run's, too), where the ORM's query
    building cost more than the query; ordered as the model is.
    """
    return vocabulary_terms.all_terms()


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
    return list(TagCorrection.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
    ))


def classify_object(obj, title: str, text: str, subjects=()) -> Classification:
    """Return the classification of a stored object: editors' vocabulary, then their corrections."""
    tagger = editorial_tagger()
    return apply_corrections(tagger.classify(title, text, subjects), corrections_for(obj), tagger)


def judgements_for(content_type, object_ids) -> dict:
    """Return {object_id: Judgement} of these objects (one query)."""
    return {j.object_id: j for j in Judgement.objects.filter(
        content_type=content_type, object_id__in=object_ids,
    ).select_related("user")}


def apply_judgement(result: Classification, judgement) -> dict:
    """Make the editor's judgement the result's relevance; return what the stored data keeps of it.

    The score becomes 1 or 0 so a judged lead moves to the top or the bottom of the inbox at
    once; the classifier's own score is kept beside it, to show where they disagree.
    """
    kept = {
        "relevant": judgement.relevant,
        "by": judgement.user.get_username() if judgement.user_id and judgement.user else "",
        "at": judgement.updated_at.isoformat() if judgement.updated_at else "",
        "classifier_relevance": round(result.relevance, 3),
        "classifier_relevant": result.relevant,
    }
    result.relevance = 1.0 if judgement.relevant else 0.0
    result.relevant = judgement.relevant
    return kept
