"""Purge the cached pages showing a topic when it is renamed, moved or deleted, and the topic
tree and hub links each process keeps (epitope.topics.taxonomy) when a topic or hub changes."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from epitope import pagecache
from epitope.pagecache import cache

from . import page_cache
from .models import Topic, TopicPage


def on_topic_tree_changed(sender, instance, **kwargs):
    pagecache.purge({cache.TOPICS})  # the process-wide topic tree (taxonomy.topic_tree)


def on_hub_saved(sender, instance, **kwargs):
    # Publishing bumps "global" too; a hub created or changed by code (site_setup) does not publish.
    pagecache.purge({cache.HUBS})  # hub links kept per process (navigation, subtopics, breadcrumbs)


def remember_topic_parent(sender, instance, **kwargs):
    if instance.pk:
        instance._epitope_parent_before = Topic.objects.filter(pk=instance.pk).values_list(
            "parent_id", flat=True
        ).first()


def on_topic_saved(sender, instance, created, **kwargs):
    if created:
        return  # nothing shows a topic that did not exist
    parent_before = getattr(instance, "_epitope_parent_before", None)
    pagecache.purge(page_cache.tags_for_topic_change(instance.pk, parent_before))


def on_topic_deleted(sender, instance, **kwargs):
    pagecache.purge(page_cache.tags_for_topic_change(instance.pk, instance.parent_id))


def register():
    # First, so the purges below already see the new tree.
    post_save.connect(on_topic_tree_changed, sender=Topic, dispatch_uid="epitope-memo-topic-saved")
    post_delete.connect(on_topic_tree_changed, sender=Topic, dispatch_uid="epitope-memo-topic-deleted")
    post_save.connect(on_hub_saved, sender=TopicPage, dispatch_uid="epitope-memo-hub-saved")
    post_delete.connect(on_hub_saved, sender=TopicPage, dispatch_uid="epitope-memo-hub-deleted")
    pre_save.connect(remember_topic_parent, sender=Topic, dispatch_uid="epitope-cache-topic-parent")
    post_save.connect(on_topic_saved, sender=Topic, dispatch_uid="epitope-cache-topic-saved")
    pre_delete.connect(on_topic_deleted, sender=Topic, dispatch_uid="epitope-cache-topic-deleted")
