"""Current policy versions, looked up once per request-cycle-independent cache entry."""

from django.core.cache import cache

CACHE_KEY = "epitope:policy-versions"


def current_versions():
    """Return {"privacy": {...}, "cookies": {...}} with each live policy's version and URL."""
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
    cache.delete(CACHE_KEY)
