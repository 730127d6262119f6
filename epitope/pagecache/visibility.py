"""Forget a page everywhere once who may see it changes, before the editor is told it is done.

A view restriction set, changed or removed, an unpublish, or a move (under a restricted page,
or out from under one) changes which visitors may see a page and every page below it. Their
stored copies and every page listing them (home, /articles/, hubs, related stories; see
`cache_tags`) are purged at once and again after the commit, as on a publish.

The CDN is purged once the change is committed, from the editor's request itself rather than
from the worker's queue as after a publish: until then the CDN goes on serving the page to
anyone, and the worker may be minutes behind. Within a request (`PurgeAfterChangesMiddleware`)
the purges of every change it makes are sent together just before its response is returned:
unpublishing a section with its 300 articles sends each listing once, not 300 times. Outside a
request (a command, a scheduled unpublish) they are sent at the commit.

Only the pages' own URLs (and old ones after a move) and the listings showing them are sent. A
change shown on every page (a hub or a policy: the navigation and the footer) also queues the
purge of every other page: those show a link to it, not the page.
"""

import logging
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Q
from wagtail.models import Page

from . import cache, frontend_purge, tasks
from .cache_tags import tags_for_change
from .purging import bump

logger = logging.getLogger("epitope.cache")
_collecting = ContextVar("epitope_visibility_purges", default=None)


class _Purges:
    """CDN purges owed: URLs, and the tags whose pages (listings, every page for global) show a change."""

    def __init__(self):
        self.urls, self.tags = set(), set()

    def add(self, urls, tags):
        self.urls |= urls
        self.tags |= tags

    def owed(self):
        return bool(self.urls or self.tags)

    def send(self):
        urls = set(self.urls)
        # Listed now, after the commit: the listings' page counts are current.
        urls |= frontend_purge.urls_for_tags(self.tags - {cache.GLOBAL})
        try:
            frontend_purge.purge_now(urls)
        except Exception as exc:  # the CDN unreachable (Wagtail's backends raise connection errors)
            logger.error("fetch: CDN purge of %d URLs failed (%s); queued for the worker", len(urls), exc)
            tasks.purge_cdn_urls.enqueue(sorted(urls))
        if cache.GLOBAL in self.tags:
            tasks.purge_cdn_everything.enqueue()


class PurgeAfterChangesMiddleware:
    """Send the CDN purges the request's changes owe before its response leaves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        purges = _Purges()
        token = _collecting.set(purges)
        try:
            return self.get_response(request)
        finally:
            _collecting.reset(token)
            if purges.owed():
                purges.send()


def _purge_cdn_on_commit(urls, tags):
    def owed():
        collecting = _collecting.get()
        purges = collecting if collecting is not None else _Purges()
        purges.add(urls, tags)
        if collecting is None:
            purges.send()

    transaction.on_commit(owed, robust=True)


def at_or_below(page):
    """Return the page and every live page below it, as a page queryset."""
    return Page.objects.descendant_of(page, inclusive=True).filter(Q(live=True) | Q(pk=page.pk))


def _by_model(pages):
    grouped = {}
    for page in pages:
        grouped.setdefault(type(page), []).append(page)
    return grouped


def changed(pages, extra_tags=(), old_urls=()):
    """Purge the pages (a page queryset), every page listing them and the CDN's copies of both.

    `old_urls` are addresses the pages had before a move: the CDN still holds them.
    """
    pages = list(pages.specific(defer=True))
    tags = set(extra_tags)
    for model, group in _by_model(pages).items():
        tags |= tags_for_change(model, group)
    bump(tags)
    if frontend_purge.enabled():
        # Their addresses are taken now, while an unpublished or deleted page still has one.
        urls = frontend_purge.page_urls(pages) | set(old_urls)
        _purge_cdn_on_commit(urls, {tag for tag in tags if frontend_purge.shown([tag])})
    return tags


def moved(page, url_path_before, url_path_after):
    """Purge a page moved to a new address, and every page below it, at their old addresses too."""
    pages = at_or_below(page)
    old_urls = []
    if frontend_purge.enabled():
        for below in pages.specific(defer=True):
            # Wagtail builds a page's address from its url_path: give it the old one.
            below.url_path = url_path_before + below.url_path[len(url_path_after):]
            old_urls.append(below.get_full_url())
    return changed(pages, {cache.RESTRICTIONS}, [url for url in old_urls if url])
