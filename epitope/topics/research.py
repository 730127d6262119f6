"""A hub's "Latest research": the newest relevant ingested papers, preprints and trials.

Only items the classifier judged relevant, from sources an editor marked public, feeding the
hub's topic or a topic below it, and not dismissed by an editor. Each item comes with badges
(its evidence, its therapies and cancer types) read from its stored classification, one
query for a whole page of items.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef

from epitope.classify.models import ClassifiedConcept, StoredClassification
from epitope.pagecache import prepared
from epitope.ingest.models import Item
from epitope.ingest.sanitize import http_link

from . import concept_filters

PANEL_SIZE = 5
PER_PAGE = 20
MAX_BADGES = 4
KIND_LABELS = {"paper": "Paper", "preprint": "Preprint", "trial": "Trial", "news": "News"}
_BADGE_FACETS = ("modality", "cancer_type")


def research_items(topic_ids, filters=None):
    """Return the public, relevant ingested items for these topics, newest first.

    Relevance is asked per item (a correlated EXISTS) rather than as `id IN (every relevant
    item)`: most items of a followed source are relevant, and with the IN list SQLite gathered
    and sorted all of them before taking five (0.9-1.2 s at a million relevant items; walking
    the `published` index and probing each item: 0.2 ms). Rarer chosen concepts keep the IN
    list, which suits them. PostgreSQL plans both forms alike.
    """
    relevant = ClassifiedConcept.objects.filter(
        content_type=ContentType.objects.get_for_model(Item), facet="relevance", concept="relevant",
        object_id=OuterRef("pk"),
    )
    qs = Item.objects.filter(source__public=True, source__topic_id__in=list(topic_ids)).exclude(status=Item.DISMISSED)
    qs = concept_filters.narrow(qs.filter(Exists(relevant)), filters or {})
    return qs.select_related("source").order_by(F("published").desc(nulls_last=True), "-pk")


def badges_for(classification: dict | None, evidence_badge: str = "") -> list[str]:
    """Return the short labels a reader sees on one item: its evidence first, then therapies and cancers."""
    badges = [evidence_badge] if evidence_badge else []
    facets = (classification or {}).get("facets", {})
    for facet in _BADGE_FACETS:
        for tag in facets.get(facet, []):
            label = tag.get("label") or tag.get("concept")
            if label and label not in badges:
                badges.append(label)
    return badges[:MAX_BADGES]


def with_badges(items):
    """Return the items as a list, each with `badges` and `kind_label`, in one query."""
    items = list(items)
    if not items:
        return items
    content_type = ContentType.objects.get_for_model(items[0])
    object_ids = tuple(str(item.pk) for item in items)
    stored = {
        object_id: (badge, data)
        for object_id, badge, data in prepared.fetch(
            ("research-badges", content_type.pk, object_ids),
            lambda: StoredClassification.objects.filter(
                content_type=content_type, object_id__in=object_ids
            ).values_list("object_id", "evidence_badge", "data"),
        )
    }
    for item in items:
        badge, data = stored.get(str(item.pk), ("", None))
        item.badges = badges_for(data, badge)
        item.kind_label = KIND_LABELS.get(item.kind, item.kind.title())
        item.safe_link = http_link(item.link)
    return items


def latest_for_topic(topic_ids, filters=None, limit=PANEL_SIZE):
    """Return the few newest research items a hub's panel shows (two queries, compiled once
    per topic, filters and server thread: `pagecache.prepared`).

    Only the columns the panel shows: an item row also holds the raw record as fetched, its
    abstract and its dedupe signatures, which cost a hub page more to load than to render.
    """
    shown = ("title", "link", "published", "kind", "source__name")
    filters = filters or {}
    key = ("research-panel", tuple(topic_ids), tuple(sorted(filters.items())),
           ContentType.objects.get_for_model(Item).pk, limit)
    return with_badges(prepared.fetch(key, lambda: research_items(topic_ids, filters).only(*shown)[:limit]))

