"""The page cache: rendered HTML of public pages for anonymous visitors, purged by dependency tags.

Each stored page records the version of every tag it depends on — "page:40" (the page
itself), "listing:12" (which articles are filed under topic 12 or below it), "topic:12"
(the topic's own name and place in the tree), "latest" (the newest stories) and "global".
Publishing bumps the tags it affects, and an entry whose recorded versions no longer match is
a miss. So one bump invalidates every `?page=`/`?type=` variant of a hub without enumerating
them, and leaves unrelated hubs alone. Versions are random tokens, never counters, so a lost
or evicted version can only cause a miss, never a stale hit.

The lookup works on a WSGI environ (`request.META` is one), so the same function serves
both `PageCacheMiddleware` and the WSGI fast path in `epitope.pagecache.serving`.
"""

import hashlib
import logging
import os
import time
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.utils.cache import patch_cache_control

logger = logging.getLogger("epitope.cache")

GLOBAL = "global"
LATEST = "latest"
# Tags of what rendering reads on every request and hardly ever changes; `memo` keeps it in
# process memory until one is bumped (the apps' signal_handlers.py bump them).
SITES = "sites"  # Wagtail sites: host names, root pages
RESTRICTIONS = "restrictions"  # page view restrictions (login, password, groups)
TOPICS = "topics"  # the topic tree
HUBS = "hubs"  # hub pages saved or deleted, published or not (their titles, URLs, live state)
VOCABULARY = "vocabulary"  # editors' vocabulary terms (classify.VocabularyTerm)

# Query parameters a public listing understands; any other parameter (tracking tags, cache
# busters) makes the request uncacheable, so nobody can fill the cache with junk variants.
DEFAULT_QUERY_PARAMS = ("page", "type")
# Cookies whose presence means the page may be personal (a login session, a flash message).
DEFAULT_BYPASS_COOKIES = ("messages",)
# Vary values this cache already honours: Cookie through the bypass cookies above;
# Accept-Encoding because compressed bodies are never stored.
HONOURED_VARY = {"cookie", "accept-encoding"}

SKIP_LOOKUP = "epitope.page_cache.missed"  # environ flag: the WSGI fast path already looked


def page_tag(pk):
    return f"page:{pk}"


def listing_tag(topic_id):
    return f"listing:{topic_id}"


def topic_tag(topic_id):
    return f"topic:{topic_id}"


def store():
    """Return the cache that holds pages: the shared "pages" alias when configured."""
    return caches["pages" if "pages" in settings.CACHES else "default"]


def timeout():
    return getattr(settings, "EPITOPE_PAGE_CACHE_TIMEOUT", 3600)


def _version_key(tag):
    return f"epitope:tag:{tag}"


def _new_token():
    return os.urandom(8).hex()


def request_key(meta):
    """Return the cache key of a request described by a WSGI environ, or None if it is not cacheable."""
    if meta.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    raw_cookies = meta.get("HTTP_COOKIE")
    if raw_cookies:
        cookies = parse_cookie(raw_cookies)
        bypass = (settings.SESSION_COOKIE_NAME, *getattr(settings, "EPITOPE_PAGE_CACHE_BYPASS_COOKIES", DEFAULT_BYPASS_COOKIES))
        if any(name in cookies for name in bypass):
            return None
    if "HTTP_AUTHORIZATION" in meta:
        return None
    query = meta.get("QUERY_STRING", "")
    if query:
        allowed = getattr(settings, "EPITOPE_PAGE_CACHE_QUERY_PARAMS", DEFAULT_QUERY_PARAMS)
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(name not in allowed for name, _ in pairs):
            return None
        query = urlencode(sorted(pairs))
    host = (meta.get("HTTP_HOST") or f"{meta.get('SERVER_NAME', '')}:{meta.get('SERVER_PORT', '')}").lower()
    raw = "|".join((_scheme(meta), host, meta.get("PATH_INFO", "/"), query))
    return "epitope:page:" + hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _scheme(meta):
    # The same rule as HttpRequest.scheme, so an http request never hits an https entry
    # (and so skips no SSL redirect).
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        header, secure_value = proxy_header
        value = meta.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return meta.get("wsgi.url_scheme", "http")


def current_versions(tags):
    """Return {tag: token} for `tags`, giving a token to any tag that has none yet."""
    cache = store()
    keys = {_version_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_token(), timeout=None)
        found.update(cache.get_many(missing))
        for key in missing:
            if key not in found:  # evicted or flushed between add and read (a full Redis)
                found[key] = _new_token()
                cache.set(key, found[key], timeout=None)
    return {keys[key]: token for key, token in found.items()}


def bump(tags):
    """Invalidate every stored page that depends on any of `tags`."""
    tags = set(tags)
    if not tags:
        return
    store().set_many({_version_key(tag): _new_token() for tag in tags}, timeout=None)
    _versions.changed()
    logger.debug("Page cache purged tags %s", sorted(tags))


class _LocalVersions:
    """This process's copy of the tag versions, trusted while the shared generation file is unchanged.

    Every bump rewrites the generation file (after writing the versions), so one stat() per
    request tells whether any version changed anywhere on this machine; without the file
    (Redis across machines, the test suite) every lookup reads the versions from the store.
    """

    def __init__(self):
        self.signature = None
        self.tokens = {}

    def path(self):
        return getattr(settings, "EPITOPE_PAGE_CACHE_GENERATION_FILE", None)

    def _signature(self, path):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def changed(self):
        path = self.path()
        self.tokens = {}
        if path:
            tmp = f"{path}.{os.getpid()}.tmp"
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(tmp, "w") as handle:
                handle.write(_new_token())
            os.replace(tmp, path)  # a new inode, so every process sees the change

    def get(self, tags):
        path = self.path()
        if not path:
            return store().get_many([_version_key(tag) for tag in tags]), True
        signature = self._signature(path)
        if signature != self.signature:  # None (no purge yet) is a signature too
            self.tokens, self.signature = {}, signature
        missing = [tag for tag in tags if tag not in self.tokens]
        if missing:
            found = store().get_many([_version_key(tag) for tag in missing])
            for tag in missing:
                if _version_key(tag) in found:
                    self.tokens[tag] = found[_version_key(tag)]
        return self.tokens, False


_versions = _LocalVersions()
_entries = {}  # this process's copies of stored pages: key -> (expires, versions, stored)
MAX_LOCAL_ENTRIES = 500
MAX_MEMOS = 5000  # names may be per object (a hub's filter set, an image): past it, all are forgotten


def memo(name, tags, compute):
    """Return compute()'s value, kept in this process until any of `tags` is bumped.

    `name` is any hashable, e.g. a tuple naming one hub and filter set. The tag versions are
    read before computing, so a bump that lands during the computation leaves the kept value
    already outdated; `bump` runs again after the commit for the same reason. Costs one stat()
    of the generation file (or one read of the shared store).
    """
    tokens = tag_tokens(tags)
    held = _memos.get(name)
    if held is not None and held[0] == tokens:
        return held[1]
    value = compute()
    if len(_memos) >= MAX_MEMOS:
        _memos.clear()
    _memos[name] = (tokens, value)
    return value


def tag_tokens(tags):
    """Return the current version token of each of `tags`, in order (what memos are keyed by)."""
    current, keyed = _versions.get(tags)
    names = [_version_key(tag) if keyed else tag for tag in tags]
    if any(name not in current for name in names):
        created = current_versions(tags)
        return tuple(created[tag] for tag in tags)
    return tuple(current[name] for name in names)


_memos = {}  # name -> (tag tokens, value)


def clear():
    """Forget every stored page, here and in the shared store."""
    _entries.clear()
    _memos.clear()
    _versions.tokens, _versions.signature = {}, None
    store().clear()


def lookup(meta):
    """Return the stored (status, headers, body, etag) for the request, or None on a miss."""
    key = request_key(meta)
    if key is None:
        return None
    entry = _entries.get(key)
    if entry is not None and entry[0] > time.time() and _current(entry[1]):
        return entry[2]
    # Not here, or outdated here: another process may have stored a newer rendering.
    entry = store().get(key)
    if entry is None or not _current(entry[1]):
        _entries.pop(key, None)
        return None
    _remember(key, entry)
    return entry[2]


def _current(versions):
    current, keyed = _versions.get(versions)
    return all(current.get(_version_key(tag) if keyed else tag) == token for tag, token in versions.items())


def _remember(key, entry):
    if len(_entries) >= MAX_LOCAL_ENTRIES:
        _entries.clear()
    _entries[key] = entry


def cacheable(request, response):
    """Return True if this response to this request may be served to every anonymous visitor."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "is_preview", False) or response.has_header("Content-Encoding"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= HONOURED_VARY


def save(request, response, versions):
    """Store the response under the request's key, recording the tag versions read before rendering."""
    key = request_key(request.META)
    if key is None or not cacheable(request, response):
        return False
    etag = response.get("ETag") or '"%s"' % hashlib.blake2b(response.content, digest_size=8).hexdigest()
    response["ETag"] = etag
    _set_cache_control(response)
    _set_tag_headers(response, versions)
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    headers = [(k, v) for k, v in response.items() if k.lower() != "x-epitope-cache"]
    stored = (response.status_code, headers, response.content, etag)
    entry = (time.time() + timeout(), versions, stored)
    store().set(key, entry, timeout())
    _remember(key, entry)
    response["X-Epitope-Cache"] = "miss"
    return True


def _set_cache_control(response):
    # Browsers revalidate every time (cheap: a 304 against the ETag), so a purge reaches them
    # at once; a CDN may keep the page for as long as we do because we purge it too.
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        patch_cache_control(response, public=True, max_age=0, s_maxage=timeout())
    else:
        patch_cache_control(response, max_age=0, must_revalidate=True)


def _set_tag_headers(response, tags):
    # With a CDN in front: the tags the page depends on, in the headers Cloudflare (Cache-Tag,
    # comma-separated) and Fastly (Surrogate-Key, space-separated) read, so that a CDN which
    # purges by tag can forget exactly the pages a publish outdates. Both strip them before
    # the visitor; without a CDN nobody reads them, so they are not sent.
    if getattr(settings, "WAGTAILFRONTENDCACHE", None) and tags:
        names = sorted(tags)
        response["Cache-Tag"] = ",".join(names)
        response["Surrogate-Key"] = " ".join(names)


def not_modified(meta, etag):
    return etag in {t.strip() for t in meta.get("HTTP_IF_NONE_MATCH", "").split(",")}


def as_response(meta, stored):
    """Return an HttpResponse for a stored page (a 304 when the visitor's copy is current)."""
    status, headers, body, etag = stored
    if not_modified(meta, etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
    else:
        response = HttpResponse(body, status=status)
        for name, value in headers:
            response[name] = value
    response["X-Epitope-Cache"] = "hit"
    return response


def as_wsgi(meta, stored, start_response):
    """Answer a WSGI request with a stored page, skipping Django's request handling entirely."""
    status, headers, body, etag = stored
    if not_modified(meta, etag):
        start_response("304 Not Modified", [("ETag", etag), ("X-Epitope-Cache", "hit")])
        return []
    start_response("200 OK", [*headers, ("X-Epitope-Cache", "hit")])
    return [] if meta.get("REQUEST_METHOD") == "HEAD" else [body]
