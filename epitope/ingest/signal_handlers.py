"""Remember what editors delete, so the next run does not bring it back."""

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from .models import Item, Tombstone


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


def _connect_classifier():
    # Leads are ranked by relevance: a cluster takes its most relevant item's score.
    from epitope.classify.signals import classification_changed

    from .lead_tags import on_items_classified

    classification_changed.connect(on_items_classified, dispatch_uid="epitope_ingest_cluster_relevance")


_connect_classifier()
