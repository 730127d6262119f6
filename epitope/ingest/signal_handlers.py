"""Remember what editors delete, so the next run does not bring it back; purge the hubs listing
items whose classifier tags changed."""

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from epitope import pagecache
from epitope.classify.signals import classification_changed
from epitope.pagecache.cache import listing_tag
from epitope.topics.taxonomy import with_ancestors

from .clusters import hand_over_keys, refresh_clusters
from .lead_tags import on_items_classified
from .models import Item, Tombstone
from .storage import sources


@receiver(pre_delete, sender=Item, dispatch_uid="epitope_ingest_hand_over_keys")
def hand_over_cluster_keys(sender, instance, **kwargs):
    hand_over_keys(instance)


@receiver(post_delete, sender=Item, dispatch_uid="epitope_ingest_tombstone")
def tombstone_deleted_item(sender, instance, **kwargs):
    Tombstone.objects.get_or_create(identity=instance.identity, defaults={"title": instance.title[:1000]})
    if instance.cluster_id:
        refresh_clusters([instance.cluster_id])


@receiver(classification_changed, dispatch_uid="epitope-cache-classification-items")
def purge_hubs_of_classified_items(sender, objects, **kwargs):
    """Ingested items from public sources: purge the hubs whose "Latest research" lists their source's topic."""
    if sender is not Item:
        return
    topic_ids = sources.public_topic_ids(sorted({item.source_id for item in objects if item.source_id}))
    if topic_ids:
        pagecache.purge({listing_tag(t) for t in with_ancestors(topic_ids)})


# Leads are ranked by relevance: a cluster takes its most relevant item's score.
classification_changed.connect(on_items_classified, dispatch_uid="epitope_ingest_cluster_relevance")
