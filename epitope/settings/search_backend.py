"""Which of Wagtail's search backends serves search, chosen by the environment.

    EPITOPE_SEARCH_BACKEND   database (default) | opensearch2 | opensearch3 |
                             elasticsearch7 | elasticsearch8 | elasticsearch9
    EPITOPE_SEARCH_URLS      comma-separated, e.g. https://user:password@search.example.org:9200
    EPITOPE_SEARCH_INDEX_PREFIX  default "epitope_" (one cluster may hold several sites)
    EPITOPE_SEARCH_TIMEOUT   seconds, default 10

The database backend (SQLite FTS5 or PostgreSQL full text) needs no service. The others are
Wagtail's own; their client library is an extra (`pip install 'epitope[opensearch]'` or
`'epitope[elasticsearch]'`), whose major version must match the server's. A mistake stops
start-up with a message naming the variable, not the first search.
"""

import importlib.util
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE = "wagtail.search.backends.database"
# name: (Wagtail's backend module, the client's import name, the extra that installs it)
EXTERNAL = {
    "opensearch2": ("wagtail.search.backends.opensearch2", "opensearchpy", "opensearch"),
    "opensearch3": ("wagtail.search.backends.opensearch3", "opensearchpy", "opensearch"),
    "elasticsearch7": ("wagtail.search.backends.elasticsearch7", "elasticsearch", "elasticsearch"),
    "elasticsearch8": ("wagtail.search.backends.elasticsearch8", "elasticsearch", "elasticsearch"),
    "elasticsearch9": ("wagtail.search.backends.elasticsearch9", "elasticsearch", "elasticsearch"),
}


def search_backends(environ):
    """Return WAGTAILSEARCH_BACKENDS for the environment; ImproperlyConfigured for a mistake."""
    name = (environ.get("EPITOPE_SEARCH_BACKEND") or "database").strip().lower()
    if name == "database":
        return {"default": {"BACKEND": DATABASE}}
    if name not in EXTERNAL:
        raise ImproperlyConfigured(
            f"EPITOPE_SEARCH_BACKEND={name!r} is not a search backend: use database, {', '.join(EXTERNAL)}"
        )
    urls = [url.strip() for url in environ.get("EPITOPE_SEARCH_URLS", "").split(",") if url.strip()]
    if not urls:
        raise ImproperlyConfigured(
            f"EPITOPE_SEARCH_BACKEND={name} needs EPITOPE_SEARCH_URLS, e.g. https://search.example.org:9200"
        )
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured(f"EPITOPE_SEARCH_URLS: {url!r} is not an http:// or https:// URL")
    try:
        timeout = int(environ.get("EPITOPE_SEARCH_TIMEOUT") or 10)
    except ValueError:
        raise ImproperlyConfigured("EPITOPE_SEARCH_TIMEOUT must be a whole number of seconds") from None
    return {
        "default": {
            "BACKEND": EXTERNAL[name][0],
            "URLS": urls,
            "INDEX_PREFIX": environ.get("EPITOPE_SEARCH_INDEX_PREFIX", "epitope_"),
            "TIMEOUT": timeout,
        }
    }


def require_client(backends):
    """Refuse a backend whose client library is not installed, naming the extra to install."""
    backend = backends["default"]["BACKEND"]
    for name, (module, client, extra) in EXTERNAL.items():
        if module == backend and importlib.util.find_spec(client) is None:
            raise ImproperlyConfigured(
                f"EPITOPE_SEARCH_BACKEND={name} needs the {client} client: pip install 'epitope[{extra}]'"
            )
