"""Purge the cached pages showing an article when its topics, hero image or classifier tags change;
queue its pictures' renditions when it is published.

Publishing, unpublishing and deleting are purged by epitope.pagecache.signal_handlers, with
the tags ArticlePage.purge_tags names; this module remembers what those tags need and purges
what changes outside a publish.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.db.models.signals import post_save, pre_save
from wagtail.images import get_image_model
from wagtail.signals import page_published

from epitope import pagecache
from epitope.pagecache import cache_tags
from epitope.classify.signals import classification_changed
from epitope.core.renditions import IMAGE_FIELDS_NOT_SHOWN
from epitope.core.tasks import enqueue_renditions

from . import page_cache
from .alt_text import images_of
from .cards import PICTURE_ATTRS, image_tag
from .models import ArticlePage, AuthorPage


def article_changed(article):
    pagecache.purge(ArticlePage.purge_tags([article]))


def remember_article_topics(sender, instance, **kwargs):
    # The topics in the database are the live ones until this save writes the new ones;
    # an article moved out of a topic must purge that topic's hubs too.
    if instance.pk:
        instance._epitope_topics_before = sorted(page_cache.topic_ids([instance]))


def on_image_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields and set(update_fields) <= IMAGE_FIELDS_NOT_SHOWN):
        return
    forget_card_pictures(instance.pk)
    for article in ArticlePage.objects.live().filter(hero_image=instance):
        article_changed(article)
    authors = list(AuthorPage.objects.live().filter(photo=instance))
    if authors:
        pagecache.purge(cache_tags.tags_for_change(AuthorPage, authors))


def forget_card_pictures(image_id):
    """Forget the pictures rendered from this image (cards and article heroes keep them a day)."""
    fragments = caches["template_fragments" if "template_fragments" in settings.CACHES else "default"]
    keys = [make_template_fragment_key("card_picture", [image_id, how]) for how in PICTURE_ATTRS]
    fragments.delete_many([*keys, make_template_fragment_key("article_hero", [image_id])])
    pagecache.purge({image_tag(image_id)})  # each process's copies of the card pictures


def on_classification_changed(sender, objects, **kwargs):
    """Purge the pages showing live articles whose classifier tags changed (hub facet filters, badges)."""
    if issubclass(sender, ArticlePage):
        for article in objects:
            if article.live:
                article_changed(article)


def make_renditions_when_published(sender, instance, **kwargs):
    # The worker makes every picture of the article before a reader asks (core.renditions).
    enqueue_renditions(image.pk for image in images_of(instance.specific_deferred))


def register():
    pre_save.connect(remember_article_topics, sender=ArticlePage, dispatch_uid="epitope-cache-article-topics")
    post_save.connect(on_image_saved, sender=get_image_model(), dispatch_uid="epitope-cache-image-saved")
    classification_changed.connect(on_classification_changed, dispatch_uid="epitope-cache-classification")
    page_published.connect(
        make_renditions_when_published, sender=ArticlePage, dispatch_uid="epitope-renditions-published"
    )
