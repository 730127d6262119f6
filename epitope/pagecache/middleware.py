"""Serve and store public pages through the page cache (see epitope.pagecache.cache)."""

from . import cache
from .cache_tags import tags_for_page

REQUEST_KEY_ATTR = "_epitope_page_cache_key"
VERSIONS_ATTR = "_epitope_page_cache_versions"


class PageCacheMiddleware:
    """Answer anonymous GETs of public pages from the cache; store what Wagtail renders.

    Put it first in MIDDLEWARE: a stored response then carries every header the other
    middleware add (security headers, CSP), and a hit skips all of them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache.request_key(request.META)
        if key is None:
            return self.get_response(request)
        if not request.META.get(cache.SKIP_LOOKUP):
            stored = cache.lookup(request.META)
            if stored is not None:
                return cache.as_response(request.META, stored)
        setattr(request, REQUEST_KEY_ATTR, key)
        response = self.get_response(request)
        versions = getattr(request, VERSIONS_ATTR, None)
        if versions is not None:
            cache.save(request, response, versions)
        return response


def capture_versions(page, request, serve_args, serve_kwargs):
    """Record, before rendering, the versions of the tags this page depends on.

    Reading them before the page reads the database means a publish that lands during the
    render leaves a stale entry already outdated (bumps happen after the commit too).
    """
    if getattr(request, REQUEST_KEY_ATTR, None) is None or serve_args or serve_kwargs:
        return None
    setattr(request, VERSIONS_ATTR, cache.current_versions(tags_for_page(page)))
    return None
