"""Purge cached pages when the content they show changes (see cache_tags for which pages)."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import cache, cache_tags, frontend_purge, tasks, visibility

logger = logging.getLogger("epitope.cache")

IMAGE_FIELDS_NOT_SHOWN = {"file_hash", "file_size"}


def purge(tags, cdn_task=None, *args):
    """Bump the tags now and again after the commit, and purge the CDN from a task.

    The second bump closes the window in which a request could read the old content
    between the first bump and the commit, and store it under the new versions.
    """
    cache.bump(tags)
    if transaction.get_connection().in_atomic_block:  # else the change is committed already
        transaction.on_commit(lambda: cache.bump(tags), robust=True)
    if cdn_task is not None and frontend_purge.enabled():
        cdn_task.enqueue(*args)


def _article_changed(article, topics_before=()):
    topics_before = sorted(set(topics_before))
    purge(cache_tags.tags_for_article_change(article, topics_before), tasks.purge_cdn_for_article, article.pk, topics_before)


def _page_changed(page):
    from epitope.articles.models import ArticlePage

    page = page.specific_deferred
    if isinstance(page, ArticlePage):
        _article_changed(page, getattr(page, "_epitope_topics_before", ()))
        return
    tags = cache_tags.tags_for_page_change(page)
    if cache.GLOBAL in tags:
        from epitope.privacy.policies import forget_versions

        forget_versions()  # the footer and consent banner read policy versions through this cache
        purge(tags, tasks.purge_cdn_everything)
    else:
        purge(tags, tasks.purge_cdn_urls, [u for u in [page.get_full_url()] if u] + frontend_purge.index_urls())


def on_page_published(sender, instance, **kwargs):
    _page_changed(instance)


def on_page_unpublished(sender, instance, **kwargs):
    # Nobody may see it any more: purged everywhere, the CDN included, before the admin answers.
    # (Wagtail sends this for each page unpublished with it.)
    visibility.changed(Page.objects.filter(pk=instance.pk))


def on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        _page_changed(instance)


def on_page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    if url_path_before == url_path_after:  # reordered among its siblings (hubs: the navigation's order)
        on_page_renamed(sender, instance)
        return
    # It may now sit under a view restriction, or no longer; its old address is still in a CDN.
    visibility.moved(instance, url_path_before, url_path_after)


def on_page_renamed(sender, instance, **kwargs):
    # A page with a new slug takes any view restriction on it to new paths (epitope.core.routes).
    purge({cache.GLOBAL, cache.RESTRICTIONS}, tasks.purge_cdn_everything)


def on_topic_tree_changed(sender, instance, **kwargs):
    purge({cache.TOPICS})  # the process-wide topic tree (topics.listing.topic_tree)


def on_site_changed(sender, instance, **kwargs):
    purge({cache.SITES})  # remembered routes (epitope.core.routes)


def on_hub_saved(sender, instance, **kwargs):
    # Publishing bumps "global" too; a hub created or changed by code (site_setup) does not publish.
    purge({cache.HUBS})  # hub links kept per process (navigation, subtopics, breadcrumbs)


def on_vocabulary_changed(sender, instance, **kwargs):
    purge({cache.VOCABULARY})  # the vocabulary hubs keep (topics.listing.vocabulary)


def on_view_restriction_changed(sender, instance, **kwargs):
    """Purge everything showing the restricted page or a page below it (set, changed or removed)."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:  # deleted with its page, which purges itself
        purge({cache.RESTRICTIONS})  # the restricted paths epitope.core.routes skips queries with
        return
    visibility.changed(visibility.at_or_below(page), {cache.RESTRICTIONS})


def remember_article_topics(sender, instance, **kwargs):
    # The topics in the database are the live ones until this save writes the new ones;
    # an article moved out of a topic must purge that topic's hubs too.
    if instance.pk:
        instance._epitope_topics_before = cache_tags.article_topic_ids(instance)


def remember_topic_parent(sender, instance, **kwargs):
    if instance.pk:
        instance._epitope_parent_before = type(instance).objects.filter(pk=instance.pk).values_list(
            "parent_id", flat=True
        ).first()


def on_topic_saved(sender, instance, created, **kwargs):
    if created:
        return  # nothing shows a topic that did not exist
    tags = cache_tags.tags_for_topic_change(instance.pk, getattr(instance, "_epitope_parent_before", None))
    topic_ids = sorted(int(tag.split(":")[1]) for tag in tags if tag.startswith("listing:"))
    purge(tags, tasks.purge_cdn_for_topics, topic_ids)


def on_topic_deleted(sender, instance, **kwargs):
    tags = cache_tags.tags_for_topic_change(instance.pk, instance.parent_id)
    purge(tags)


def on_image_saved(sender, instance, created, update_fields=None, **kwargs):
    from epitope.articles.models import ArticlePage, AuthorPage

    if created or (update_fields and set(update_fields) <= IMAGE_FIELDS_NOT_SHOWN):
        return
    forget_card_pictures(instance.pk)
    for article in ArticlePage.objects.live().filter(hero_image=instance):
        _article_changed(article)
    for author in AuthorPage.objects.live().filter(photo=instance):
        _page_changed(author)


def on_classification_changed(sender, objects, **kwargs):
    """Purge the pages showing objects whose classifier tags changed (hub facet filters, badges).

    A live article purges as if republished; ingested items from public sources purge the
    hubs whose "Latest research" lists their source's topic.
    """
    from epitope.articles.models import ArticlePage

    if issubclass(sender, ArticlePage):
        for article in objects:
            if article.live:
                _article_changed(article)
        return
    if sender._meta.label_lower == "ingest.item":
        from epitope.ingest.models import Source

        source_ids = sorted({item.source_id for item in objects if item.source_id})
        topic_ids = _public_source_topics(Source, source_ids) if source_ids else set()
        if topic_ids:
            topic_ids = sorted(cache_tags.with_ancestors(topic_ids))
            purge({cache.listing_tag(t) for t in topic_ids}, tasks.purge_cdn_for_topics, topic_ids)


def _public_source_topics(Source, source_ids):
    """Return the topic ids of those of the sources that are public (plain SQL: asked once per
    ingest batch, where the ORM's query building cost more than the query)."""
    from django.db import connection

    from epitope.ingest import storage

    qn = connection.ops.quote_name
    sql = (f"SELECT {qn('topic_id')} FROM {storage.table(Source)} WHERE {qn('id')} IN ({{marks}}) "
           f"AND {qn('public')} = {{mark}} AND {qn('topic_id')} IS NOT NULL")
    with storage.cursor() as cursor:
        marks = ", ".join([storage.mark()] * len(source_ids))
        cursor.execute(sql.format(marks=marks, mark=storage.mark()), [*source_ids, True])
        return {topic_id for (topic_id,) in cursor.fetchall()}


def forget_card_pictures(image_id):
    """Forget the pictures rendered from this image (cards and article heroes keep them a day)."""
    from django.core.cache import caches
    from django.core.cache.utils import make_template_fragment_key

    fragments = caches["template_fragments" if "template_fragments" in settings.CACHES else "default"]
    from epitope.articles.cards import image_tag

    keys = [make_template_fragment_key("card_picture", [image_id, how]) for how in ("eager", "lazy")]
    fragments.delete_many([*keys, make_template_fragment_key("article_hero", [image_id])])
    purge({image_tag(image_id)})  # each process's copies of the card pictures


def register():
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site

    from epitope.articles.models import ArticlePage
    from epitope.topics.models import Topic

    # First, so the purges below already see the new tree.
    post_save.connect(on_topic_tree_changed, sender=Topic, dispatch_uid="epitope-memo-topic-saved")
    post_delete.connect(on_topic_tree_changed, sender=Topic, dispatch_uid="epitope-memo-topic-deleted")
    from epitope.classify.models import VocabularyTerm
    from epitope.topics.models import TopicPage

    post_save.connect(on_hub_saved, sender=TopicPage, dispatch_uid="epitope-memo-hub-saved")
    post_delete.connect(on_hub_saved, sender=TopicPage, dispatch_uid="epitope-memo-hub-deleted")

    post_save.connect(on_vocabulary_changed, sender=VocabularyTerm, dispatch_uid="epitope-memo-vocabulary-saved")
    post_delete.connect(on_vocabulary_changed, sender=VocabularyTerm, dispatch_uid="epitope-memo-vocabulary-deleted")
    for model in (Site, PageViewRestriction):
        handler = on_site_changed if model is Site else on_view_restriction_changed
        post_save.connect(handler, sender=model, dispatch_uid=f"epitope-memo-{model.__name__}-saved")
        post_delete.connect(handler, sender=model, dispatch_uid=f"epitope-memo-{model.__name__}-deleted")

    page_published.connect(on_page_published, dispatch_uid="epitope-cache-published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="epitope-cache-unpublished")
    pre_delete.connect(on_page_deleted, dispatch_uid="epitope-cache-page-deleted")
    post_page_move.connect(on_page_moved, dispatch_uid="epitope-cache-moved")
    page_slug_changed.connect(on_page_renamed, dispatch_uid="epitope-cache-slug")
    pre_save.connect(remember_article_topics, sender=ArticlePage, dispatch_uid="epitope-cache-article-topics")
    pre_save.connect(remember_topic_parent, sender=Topic, dispatch_uid="epitope-cache-topic-parent")
    post_save.connect(on_topic_saved, sender=Topic, dispatch_uid="epitope-cache-topic-saved")
    pre_delete.connect(on_topic_deleted, sender=Topic, dispatch_uid="epitope-cache-topic-deleted")
    post_save.connect(on_image_saved, sender=get_image_model(), dispatch_uid="epitope-cache-image-saved")
    from . import renditions

    image_model = get_image_model()
    post_save.connect(renditions.on_image_saved, sender=image_model, dispatch_uid="epitope-renditions-image")
    page_published.connect(renditions.on_page_published, dispatch_uid="epitope-renditions-published")
    from epitope.classify.signals import classification_changed

    classification_changed.connect(on_classification_changed, dispatch_uid="epitope-cache-classification")
