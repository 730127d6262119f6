"""The one way an app tells the page cache that content changed: `purge(tags, urls)`."""

import logging

from django.db import transaction

from . import cache, frontend_purge, tasks

logger = logging.getLogger("epitope.cache")


def purge(tags=(), urls=()):
    """Forget every page showing any of `tags`, here and in the CDN, and the CDN's copies of `urls`.

    The tags are bumped now and again after the commit: the second bump closes the window in
    which a request could read the old content between the first bump and the commit, and
    store it under the new versions. The CDN is purged by the worker, which works out the
    pages showing the tags (see frontend_purge.urls_for_tags) once the change is committed;
    a tag shown on every page (global) purges every public page.
    """
    tags = set(tags)
    bump(tags)
    if not frontend_purge.enabled():
        return
    if cache.GLOBAL in tags:
        tasks.purge_cdn_everything.enqueue()
        return
    if frontend_purge.shown(tags):
        tasks.purge_cdn_for_tags.enqueue(sorted(tags))
    if urls:
        tasks.purge_cdn_urls.enqueue(sorted(set(urls)))


def bump(tags):
    """Bump the tags now and, inside a transaction, again after the commit (see `purge`)."""
    if not tags:
        return
    cache.bump(tags)
    if transaction.get_connection().in_atomic_block:  # else the change is committed already
        transaction.on_commit(lambda: cache.bump(tags), robust=True)
