"""What the classifier says about leads: each cluster's relevance, and each item's tags with evidence.

A cluster is as relevant as the most relevant item it has had; the number is kept on the
cluster so the inbox can be ordered by it from an index, whatever the number of items.
"""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast

from epitope.classify.learned import threshold
from epitope.classify.models import StoredClassification

from .models import Cluster, Item
from .storage import clusters as cluster_rows

log = logging.getLogger("epitope.ingest")

SHOWN_FACETS = (("modality", "Therapy"), ("cancer_type", "Cancer"), ("target", "Target"), ("evidence", "Evidence"))


def relevance_threshold() -> float:
    return threshold()


def refresh_relevance(cluster_ids) -> int:
    """Set each cluster's relevance to its most relevant item's (two queries and one update)."""
    cluster_ids = sorted({pk for pk in cluster_ids if pk})
    if not cluster_ids:
        return 0
    score = StoredClassification.objects.filter(
        content_type=ContentType.objects.get_for_model(Item), object_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).values("relevance")[:1]
    best = dict.fromkeys(cluster_ids, 0.0)
    rows = Item.objects.filter(cluster_id__in=cluster_ids).annotate(score=Subquery(score)).values_list("cluster_id", "score")
    for cluster_id, value in rows:
        best[cluster_id] = max(best[cluster_id], value or 0.0)
    clusters = [Cluster(pk=pk, relevance=round(value, 4)) for pk, value in best.items()]
    Cluster.objects.bulk_update(clusters, ["relevance"], batch_size=500)
    return len(clusters)


def raise_relevance(scores_by_cluster: dict) -> int:
    """Raise clusters' relevance to their newly classified items' best score (one statement).

    Cheaper than `refresh_relevance` for a batch of new items joining big clusters: only the
    new scores are read. A score can only raise a cluster's: it stays as relevant as the most
    relevant item it has had. Plain SQL, run per ingest batch: one UPDATE … WHERE the stored
    relevance is lower, rather than a read of the clusters and an ORM bulk update.
    """
    if not scores_by_cluster:
        return 0
    return cluster_rows.raise_relevance(sorted((pk, round(s, 4)) for pk, s in scores_by_cluster.items()))


def on_items_classified(sender, objects, relevance=None, **kwargs):
    if sender._meta.label_lower != "ingest.item":
        return
    if relevance is None:
        refresh_relevance(item.cluster_id for item in objects)
        return
    best = {}
    for item in objects:
        if item.cluster_id and item.pk in relevance:
            best[item.cluster_id] = max(best.get(item.cluster_id, 0.0), relevance[item.pk] or 0.0)
    raise_relevance(best)


def attach_tags(items):
    """Give each item `tags` (see `tags_with_evidence`), `relevance`, `relevant` and `judgement`
    (an editor's, as `classify.editorial.apply_judgement` keeps it, or None), from the stored
    classifications (one query)."""
    if not items:
        return items
    stored = dict(
        (object_id, (relevance, relevant, data))
        for object_id, relevance, relevant, data in StoredClassification.objects.filter(
            content_type=ContentType.objects.get_for_model(items[0]), object_id__in=[str(i.pk) for i in items],
        ).values_list("object_id", "relevance", "relevant", "data")
    )
    for item in items:
        relevance, relevant, data = stored.get(str(item.pk), (None, False, {}))
        item.relevance, item.relevant = relevance, relevant
        item.tags = tags_with_evidence(data)
        item.judgement = (data or {}).get("judgement")
    return items


def attach_lead_judgements(clusters):
    """Give each cluster `judgement`: the editor's judgement of the lead (of its items; see
    `attach_tags`, which must have run on `cluster.shown`), or None."""
    for cluster in clusters:
        cluster.judgement = next((item.judgement for item in cluster.shown if getattr(item, "judgement", None)), None)
    return clusters


def tags_with_evidence(data: dict) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """Return [(facet, heading, [(concept, label, the words that triggered it)])] of a stored classification."""
    out = []
    facets = (data or {}).get("facets", {})
    for facet, heading in SHOWN_FACETS:
        tags = []
        for tag in facets.get(facet, []):
            words = sorted({span[2] for span in tag.get("spans", [])}, key=str.lower)
            why = "; ".join(f"“{w}”" for w in words) or ("added by an editor" if tag.get("source") == "editor" else "")
            tags.append((tag["concept"], tag.get("label", tag["concept"]), why))
        if tags:
            out.append((facet, heading, tags))
    return out
