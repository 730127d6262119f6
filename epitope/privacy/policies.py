"""Current policy versions, read once per process until the page cache's "global" tag is bumped."""

from django.core.cache import cache

from epitope.pagecache import cache as kept

from .models import PolicyPage

CACHE_KEY = "epitope:policy-versions"


def current_versions():
    """Return {"privacy": {...}, "cookies": {...}} with each live policy's version and URL.

    Every page asks (the banner, the footer): each process keeps them until the "global" tag is
    bumped, which publishing, unpublishing, moving or deleting any policy page does (PolicyPage
    says so). The shared copy other processes read is keyed by that tag's version, so a bump
    outdates it too, with nothing to delete.
    """
    return kept.memo("policy-versions", [kept.GLOBAL], _shared_versions)


def _shared_versions():
    (token,) = kept.tag_tokens([kept.GLOBAL])
    key = f"{CACHE_KEY}:{token}"
    versions = cache.get(key)
    if versions is None:
        versions = {kind: {"version": "0", "url": ""} for kind, _ in PolicyPage.KINDS}
        for page in PolicyPage.objects.live().specific():
            versions[page.kind] = {"version": page.version, "url": page.url or "", "summary": page.summary}
        cache.set(key, versions, 300)
    return versions
