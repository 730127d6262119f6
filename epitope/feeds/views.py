"""Serve hub and author feeds, sitemaps and robots.txt."""

import hashlib
from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import condition, require_GET, require_safe
from wagtail.models import Site

from epitope.articles.models import ArticlePage, AuthorPage
from epitope.core import site_urls
from epitope.search import filters
from epitope.topics.models import TopicPage

from . import items as meta
from .feeds import AUTHOR_FEED_CLASSES, FEED_CLASSES, FEED_LENGTH, HubSelection, chosen_filters

NEWS_SITEMAP_HOURS = 48
NEWS_SITEMAP_LIMIT = 1000  # Google's cap per news sitemap


def _live_on_site(request, pages, missing):
    """Return the first live, public page of `pages` on the request's site, or raise Http404(missing)."""
    pages = pages.live().public()
    site = Site.find_for_request(request)
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    page = pages.first()
    if page is None:
        raise Http404(missing)
    return page


def _validators(key, page, state):
    """Return the ETag and Last-Modified of a feed listing `state` ((pk, last published) rows) of `page`."""
    times = [t for _, t in state if t] or [page.last_published_at or timezone.now()]
    fingerprint = repr((key, page.last_published_at, state))
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32], max(times)


def find_hub(request, slug):
    """Return the live, public TopicPage with this slug on the request's site, or raise Http404."""
    return _live_on_site(request, TopicPage.objects.filter(slug=slug).select_related("topic"), "No such hub.")


def _selection(request, hub_slug, kind):
    """Resolve (and remember, for the conditional-GET helpers) what this feed request is for."""
    cached = getattr(request, "_epitope_feed", None)
    if cached is not None:
        return cached
    if kind not in FEED_CLASSES:
        raise Http404("No such feed format.")
    selection = HubSelection(find_hub(request, hub_slug), chosen_filters(request.GET))
    try:
        state = list(selection.articles().values_list("pk", "last_published_at")[:FEED_LENGTH])
    except filters.UnknownValue as exc:
        raise Http404(str(exc)) from exc
    request._epitope_feed = (selection, *_validators((kind, sorted(selection.chosen.items())), selection.hub, state))
    return request._epitope_feed


def _etag(request, hub, kind):
    return _selection(request, hub, kind)[1]


def _last_modified(request, hub, kind):
    return _selection(request, hub, kind)[2]


@require_safe  # feed readers probe with HEAD too
@condition(etag_func=_etag, last_modified_func=_last_modified)
def hub_feed(request, hub, kind):
    """Serve a hub's RSS, Atom or JSON feed; unchanged feeds get 304 Not Modified."""
    return _feed_response(FEED_CLASSES[kind], request, _selection(request, hub, kind)[0])


def _feed_response(feed_class, request, obj):
    """Return the feed of `obj` with the headers every feed of the site carries."""
    response = feed_class()(request, obj)
    # The conditional-GET decorator sets Last-Modified from the same figures as the ETag.
    del response["Last-Modified"]
    response["Cache-Control"] = "public, max-age=300"
    return response


def find_author(request, slug):
    """Return the live, public AuthorPage with this slug on the request's site, or raise Http404."""
    return _live_on_site(request, AuthorPage.objects.filter(slug=slug), "No such author.")


def _author_selection(request, author_slug, kind):
    """Resolve (and remember) the author, the feed's ETag and its last change, as _selection does for hubs."""
    cached = getattr(request, "_epitope_author_feed", None)
    if cached is not None:
        return cached
    author = find_author(request, author_slug)
    state = list(author.stories().values_list("pk", "last_published_at")[:FEED_LENGTH])
    request._epitope_author_feed = (author, *_validators((kind, author.pk), author, state))
    return request._epitope_author_feed


def _author_etag(request, author, kind):
    return _author_selection(request, author, kind)[1]


def _author_last_modified(request, author, kind):
    return _author_selection(request, author, kind)[2]


@require_safe
@condition(etag_func=_author_etag, last_modified_func=_author_last_modified)
def author_feed(request, author, kind):
    """Serve an author's RSS, Atom or JSON feed; unchanged feeds get 304 Not Modified."""
    return _feed_response(AUTHOR_FEED_CLASSES[kind], request, _author_selection(request, author, kind)[0])


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {site_urls.absolute('/sitemap.xml', request)}",
        f"Sitemap: {site_urls.absolute('/news-sitemap.xml', request)}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def news_sitemap(request):
    """List the articles first published in the last 48 hours, as Google News asks."""
    since = timezone.now() - timedelta(hours=NEWS_SITEMAP_HOURS)
    articles = (
        ArticlePage.objects.live().public().filter(first_published_at__gte=since)
        .defer_streamfields().order_by("-first_published_at")[:NEWS_SITEMAP_LIMIT]
    )
    entries = [
        {"location": a.get_full_url(request), "title": a.title, "published": meta.published_at(a)} for a in articles
    ]
    return render(request, "feeds/news_sitemap.xml", {"entries": entries}, content_type="application/xml")
