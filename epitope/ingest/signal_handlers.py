"""Remember what editors delete, so the next run does not bring it back; purge the hubs listing
items whose classifier tags changed."""

from django.db import connection
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from epitope import pagecache
from epitope.classify.signals import classification_changed
from epitope.pagecache.cache import listing_tag
from epitope.topics.taxonomy import with_ancestors

from . import storage
from .models import Item, Source, Tombstone


@receiver(pre_delete, sender=Item, dispatch_uid="epitope_ingest_hand_over_keys")
def hand_over_cluster_keys(sender, instance, **kwargs):
    from .clusters import hand_over_keys

    hand_over_keys(instance)


@receiver(post_delete, sender=Item, dispatch_uid="epitope_ingest_tombstone")
def tombstone_deleted_item(sender, instance, **kwargs):
    Tombstone.objects.get_or_create(identity=instance.identity, defaults={"title": instance.title[:1000]})
    if instance.cluster_id:
        from .clusters import refresh_clusters

        refresh_clusters([instance.cluster_id])


@receiver(classification_changed, dispatch_uid="epitope-cache-classification-items")
def purge_hubs_of_classified_items(sender, objects, **kwargs):
    """Ingested items from public sources: purge the hubs whose "Latest research" lists their source's topic."""
    if sender is not Item:
        return
    source_ids = sorted({item.source_id for item in objects if item.source_id})
    topic_ids = _public_source_topics(source_ids) if source_ids else set()
    if topic_ids:
        pagecache.purge({listing_tag(t) for t in with_ancestors(topic_ids)})


def _public_source_topics(source_ids):
    """Return the topic ids of those of the sources that are public (plain SQL: asked once per
    ingest batch, where the ORM's query building cost more than the query)."""
    qn = connection.ops.quote_name
    sql = (f"SELECT {qn('topic_id')} FROM {storage.table(Source)} WHERE {qn('id')} IN ({{marks}}) "
           f"AND {qn('public')} = {{mark}} AND {qn('topic_id')} IS NOT NULL")
    with storage.cursor() as cursor:
        marks = ", ".join([storage.mark()] * len(source_ids))
        cursor.execute(sql.format(marks=marks, mark=storage.mark()), [*source_ids, True])
        return {topic_id for (topic_id,) in cursor.fetchall()}


def _connect_classifier():
    # Leads are ranked by relevance: a cluster takes its most relevant item's score.
    from epitope.classify.signals import classification_changed

    from .lead_tags import on_items_classified

    classification_changed.connect(on_items_classified, dispatch_uid="epitope_ingest_cluster_relevance")


_connect_classifier()
