"""Purge cached pages when a Wagtail page, site or view restriction changes.

Which tags a page change bumps is the page model's to say (cache_tags); changes to the
content of feature apps (topics, images, classifier tags) are purged by those apps' own
signal_handlers.py through `epitope.pagecache.purge`.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import cache, visibility
from .cache_tags import tags_for_change
from .purging import purge


def page_changed(page):
    """Purge what shows a page that was published, changed or deleted."""
    page = page.specific_deferred
    purge(tags_for_change(type(page), [page]))


def on_page_published(sender, instance, **kwargs):
    page_changed(instance)


def on_page_unpublished(sender, instance, **kwargs):
    # Nobody may see it any more: purged everywhere, the CDN included, before the admin answers.
    # (Wagtail sends this for each page unpublished with it.)
    visibility.changed(Page.objects.filter(pk=instance.pk))


def on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        page_changed(instance)


def on_page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    if url_path_before == url_path_after:  # reordered among its siblings (hubs: the navigation's order)
        on_page_renamed(sender, instance)
        return
    # It may now sit under a view restriction, or no longer; its old address is still in a CDN.
    visibility.moved(instance, url_path_before, url_path_after)


def on_page_renamed(sender, instance, **kwargs):
    # A page with a new slug takes any view restriction on it to new paths (epitope.pagecache.routes).
    purge({cache.GLOBAL, cache.RESTRICTIONS})


def on_site_changed(sender, instance, **kwargs):
    purge({cache.SITES})  # remembered routes (epitope.pagecache.routes)


def on_view_restriction_changed(sender, instance, **kwargs):
    """Purge everything showing the restricted page or a page below it (set, changed or removed)."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:  # deleted with its page, which purges itself
        purge({cache.RESTRICTIONS})  # the restricted paths epitope.pagecache.routes skips queries with
        return
    visibility.changed(visibility.at_or_below(page), {cache.RESTRICTIONS})


def register():
    for model, handler in ((Site, on_site_changed), (PageViewRestriction, on_view_restriction_changed)):
        post_save.connect(handler, sender=model, dispatch_uid=f"epitope-memo-{model.__name__}-saved")
        post_delete.connect(handler, sender=model, dispatch_uid=f"epitope-memo-{model.__name__}-deleted")
    page_published.connect(on_page_published, dispatch_uid="epitope-cache-published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="epitope-cache-unpublished")
    pre_delete.connect(on_page_deleted, dispatch_uid="epitope-cache-page-deleted")
    post_page_move.connect(on_page_moved, dispatch_uid="epitope-cache-moved")
    page_slug_changed.connect(on_page_renamed, dispatch_uid="epitope-cache-slug")
