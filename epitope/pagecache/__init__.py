"""The page cache: stored pages, tag versions, the WSGI fast path, route memo and CDN purge.

It imports no feature app. Page models say which tags they depend on and which a change
bumps (see cache_tags); each app's signal_handlers.py calls `purge(tags, urls)` when content
that pages show changes, as Wagtail's contrib/frontend_cache is shaped.
"""


def purge(tags=(), urls=()):
    """Forget every page showing any of `tags`, here and in the CDN, and the CDN's copies of `urls`."""
    # Imported on call: Django imports an app's package before its models are ready, and the
    # purge reaches Wagtail's Page model (purging.py documents the behaviour).
    from .purging import purge as purge_now

    purge_now(tags, urls)
