"""Remember what editors delete, so the next run does not bring it back."""

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from epitope.classify.signals import classification_changed

from .clusters import hand_over_keys, refresh_clusters
from .lead_tags import on_items_classified
from .models import Item, Tombstone


@receiver(pre_delete, sender=Item, dispatch_uid="epitope_ingest_hand_over_keys")
def hand_over_cluster_keys(sender, instance, **kwargs):
    hand_over_keys(instance)


@receiver(post_delete, sender=Item, dispatch_uid="epitope_ingest_tombstone")
def tombstone_deleted_item(sender, instance, **kwargs):
    Tombstone.objects.get_or_create(identity=instance.identity, defaults={"title": instance.title[:1000]})
    if instance.cluster_id:
        refresh_clusters([instance.cluster_id])


# Leads are ranked by relevance: a cluster takes its most relevant item's score.
classification_changed.connect(on_items_classified, dispatch_uid="epitope_ingest_cluster_relevance")
