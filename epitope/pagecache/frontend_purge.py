"""The URLs a CDN must forget after a change, purged through Wagtail's frontend-cache backends.

A CDN keys pages by full URL, so unlike our own cache (see cache_tags) each `?page=` and
`?type=` variant of a listing has to be named: a page model lists them in Wagtail's own
`get_cached_paths()`, and says which of its pages show bumped tags in `pages_to_purge(tags)`.
The backends (HTTP, Cloudflare, CloudFront, ...) are Wagtail's, behind its `BaseBackend`,
chosen by the WAGTAILFRONTENDCACHE setting.
"""

import logging
import math

from django.conf import settings
from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, get_page_models

from .cache import GLOBAL, LATEST
from .cache_tags import ids_of

logger = logging.getLogger("epitope.cache")

MAX_LISTING_PAGES = 50  # beyond this, a CDN's own expiry has to do
SHOWN_PREFIXES = ("page:", "listing:", "topic:")  # tags of what pages show; the rest are process memos


def enabled():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def shown(tags):
    """Return True if a page a CDN keeps may show any of the tags (else they name process memos only)."""
    return any(tag in (GLOBAL, LATEST) or tag.startswith(SHOWN_PREFIXES) for tag in tags)


def listing_paths(items, per_page, kind_field):
    """Return the paths, relative to a listing's own URL, of each of its pages, for all items and each kind.

    `items` is the queryset listed; `?type=` picks the items whose `kind_field` has that value
    (one of the field's choices). The links are built the way the listing's pagination and
    type filter build them.
    """
    paths = ["/"]
    kinds = [kind for kind, _ in items.model._meta.get_field(kind_field).choices]
    for kind in ("", *kinds):
        counted = items.filter(**{kind_field: kind}) if kind else items
        # One page more than there is now: an unpublish may just have removed the last one.
        pages = min(math.ceil(counted.count() / per_page) + 1, MAX_LISTING_PAGES)
        prefix = f"/?type={kind}&" if kind else "/?"
        if kind:
            paths.append(f"/?type={kind}")
        paths += [f"{prefix}page={n}" for n in range(1, pages + 1)]
    return paths


def page_urls(pages):
    """Return the URLs of these pages (Wagtail's own list: each page's cached paths)."""
    batch = PurgeBatch()
    batch.add_pages(pages)
    return set(batch.urls)


def urls_for_tags(tags):
    """Return the URLs of every page showing any of the tags: for global, every public page."""
    tags = set(tags)
    if GLOBAL in tags:
        return urls_for_everything()
    batch = PurgeBatch()
    # A page's own tag: its address even once unpublished or restricted (the CDN still has it).
    batch.add_pages(Page.objects.filter(pk__in=ids_of("page", tags)).specific(defer=True))
    for model in get_page_models():
        declared = getattr(model, "pages_to_purge", None)
        if declared is not None:  # a subclass's pages come again through its parent: URLs are a set
            batch.add_pages(declared(tags))
    return set(batch.urls)


def urls_for_everything():
    """Return every public page's URL, with every listing variant: for changes shown on all pages."""
    batch = PurgeBatch()
    batch.add_pages(Page.objects.live().public().exclude(depth=1).specific())
    return sorted(batch.urls)


def purge(urls):
    """Purge the URLs from the configured CDN; Wagtail sends the requests from a task."""
    if not enabled() or not urls:
        return
    batch = PurgeBatch(sorted(set(urls)))
    logger.info("Purging %d URLs from the frontend cache", len(batch.urls))
    batch.purge()


def purge_now(urls):
    """Purge the URLs from the configured CDN from this process, waiting for the answers.

    For a change of who may see a page, which cannot wait for the worker to get to the task
    `purge` leaves. Wagtail's HTTP backend logs a failed purge; its Cloudflare backend raises
    connection errors (epitope.pagecache.visibility then queues the purge for the worker).
    """
    if not enabled() or not urls:
        return
    urls = sorted(set(urls))
    logger.info("Purging %d URLs from the frontend cache now", len(urls))
    purge_urls_from_cache_task.call(urls)
