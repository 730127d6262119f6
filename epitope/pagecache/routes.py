"""Page routing without walking the page tree: Wagtail's answer for a URL, remembered per process.

Wagtail routes a request by finding the site (one query), then each path segment's child
page (one query per level, plus `.specific`), then checks view restrictions on the page and
its ancestors (two queries). For a public page whose URL has been routed once, `prime` loads
the page by its id in one query and hands Wagtail the result through the request attributes
Wagtail itself caches it in (`_wagtail_site`, `_wagtail_route_for_request`).

The page is loaded by a query compiled once per page and server thread (`prepared`).

Nothing here needs invalidating to stay correct: a remembered route is used only if the page
loaded is still live and still has the url_path it had, i.e. Wagtail would route the URL to it
again (a moved, renamed or unpublished page falls back to Wagtail's routing). Sites change
the host → root mapping itself, so they bump `cache.SITES`; view restrictions bump
`cache.RESTRICTIONS` (see `view_restrictions`).
"""

from django.apps import apps
from wagtail.models import PageViewRestriction, Site

from . import cache, prepared

MAX_ROUTES = 5000
_routes = {}  # (host, port, path) -> (site, model label, page id, url_path)


def site_root_paths():
    """Return Wagtail's site root paths, kept in this process until a site changes or a page moves.

    Wagtail reads them from the shared cache (a file read on the embedded default) the first
    time each request builds a page URL: the canonical link, the share tags and every card do.
    """
    return cache.memo("site-root-paths", [cache.SITES, cache.GLOBAL], lambda: tuple(Site.get_site_root_paths()))


def _key(request):
    return (request.get_host().lower(), request.get_port(), request.path_info)


def _version():
    return cache.tag_tokens([cache.SITES])


def prime(request):
    """Set Wagtail's routing result on the request when this URL's page is known; return the page."""
    if request.method not in ("GET", "HEAD"):
        return None
    try:
        key = _key(request)
    except Exception:  # a disallowed host: let Django answer it as usual
        return None
    held = _routes.get(key)
    if held is None or held[0] != _version():
        return None
    _, site, label, page_id, url_path = held
    model = apps.get_model(label)
    found = prepared.fetch(
        ("route", label, page_id),
        lambda: model.objects.filter(pk=page_id).select_related(*getattr(model, "route_select_related", ())),
    )
    page = found[0] if found else None
    if page is None or not page.live or page.url_path != url_path:
        _routes.pop(key, None)
        return None
    # Private Wagtail attributes, each read back by Wagtail in tests/test_pagecache_private_api.py
    # (Site.find_for_request, Page.route_for_request, Page.get_url_parts): if Wagtail renames
    # one, that test fails rather than every page silently routing the slow way.
    request._wagtail_site = site
    request._wagtail_route_for_request = (page, [], {})
    request._wagtail_cached_site_root_paths = site_root_paths()  # where page URLs look first
    return page


def remember(request, version):
    """After Wagtail routed the request to a page with no extra arguments, remember where it went."""
    route = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if not route or site is None or route[1] or route[2]:
        return
    page = route[0]
    if len(_routes) >= MAX_ROUTES:
        _routes.clear()
    _routes[_key(request)] = (version, site, page._meta.label, page.pk, page.url_path)


class RouteMiddleware:
    """Prime Wagtail's routing from remembered routes (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or prime(request) is not None:
            return self.get_response(request)
        version = _version()  # read before Wagtail routes: a site change meanwhile outdates it
        response = self.get_response(request)
        remember(request, version)
        return response


def _restricted_paths():
    return tuple(PageViewRestriction.objects.values_list("page__path", flat=True))


def restricted_paths():
    """Return the tree paths of every page with a view restriction, kept until one changes."""
    return cache.memo("restricted-paths", [cache.RESTRICTIONS], _restricted_paths)


def public(qs):
    """Return `qs.public()`, skipping Wagtail's query of every restriction when there is none."""
    return qs.public() if restricted_paths() else qs


def view_restrictions(page, default):
    """Return the page's view restrictions, skipping the queries when no restriction can apply.

    `default` is Wagtail's own lookup, used whenever a restricted page sits at or above this
    one (or the page is an alias, whose restrictions are its source page's).
    """
    if page.alias_of_id is not None or any(page.path.startswith(path) for path in restricted_paths()):
        return default()
    return PageViewRestriction.objects.none()
