"""Current policy versions, looked up once per request-cycle-independent cache entry."""

from django.core.cache import cache

CACHE_KEY = "epitope:policy-versions"


def current_versions():
    """Return {"privacy": {...}, "cookies": {...}} with each live policy's version and URL.

    Every page asks (the banner, the footer): each process keeps them until the "global" tag is
    bumped, which publishing, unpublishing, moving or deleting any policy page does.
    """
    from epitope.core import cache as kept

    return kept.memo("policy-versions", [kept.GLOBAL], _shared_versions)


def _shared_versions():
    versions = cache.get(CACHE_KEY)
    if versions is None:
        from .models import PolicyPage

        versions = {kind: {"version": "0", "url": ""} for kind, _ in PolicyPage.KINDS}
        for page in PolicyPage.objects.live().specific():
            versions[page.kind] = {"version": page.version, "url": page.url or "", "summary": page.summary}
        cache.set(CACHE_KEY, versions, 300)
    return versions


def forget_versions():
    """Drop the cached versions so the next request sees what was just (un)published."""
    from django.db import transaction

    from epitope.core import cache as kept
    from epitope.core.signal_handlers import purge

    # Again once the change is committed (a request in between may have read the old ones), and
    # before the bump that follows it there, so no process keeps them again from this cache.
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY), robust=True)
    purge({kept.GLOBAL})  # every process's copy, and every page showing the policy links
