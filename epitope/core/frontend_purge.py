"""The URLs a CDN must forget after a change, purged through Wagtail's frontend-cache backends.

A CDN keys pages by full URL, so unlike our own cache (see cache_tags) each `?page=` and
`?type=` variant of a listing has to be named. The listing links are built the way
core.chrome.pagination and core.chrome.type_filter build them.
"""

import logging
import math
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch

from .cache_tags import article_topic_ids, with_ancestors

logger = logging.getLogger("epitope.cache")

MAX_LISTING_PAGES = 50  # beyond this, a CDN's own expiry has to do
FEED_KINDS = ("rss", "atom", "json")  # epitope.feeds.feeds.KINDS (not imported: feeds imports the search app)


def enabled():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def listing_urls(base_url, queryset, per_page):
    """Return the URL of every page of a listing, for all articles and for each type."""
    from epitope.articles.models import ArticlePage

    urls = [base_url]
    for article_type in ("", *dict(ArticlePage.ARTICLE_TYPES)):
        qs = queryset.filter(article_type=article_type) if article_type else queryset
        # One page more than there is now: an unpublish may just have removed the last one.
        pages = min(math.ceil(qs.count() / per_page) + 1, MAX_LISTING_PAGES)
        prefix = f"{base_url}?type={article_type}&" if article_type else f"{base_url}?"
        if article_type:
            urls.append(f"{base_url}?type={article_type}")
        urls += [f"{prefix}page={n}" for n in range(1, pages + 1)]
    return urls


def hub_urls(hub):
    from epitope.topics.listing import CARDS_PER_PAGE, articles_in_topics, topic_tree

    base = hub.get_full_url()
    if base is None:
        return []
    # Feeds are listings too, kept by a CDN for their max-age (feeds.views.hub_feed).
    feeds = [urljoin(base, reverse("hub_feed", kwargs={"hub": hub.slug, "kind": kind})) for kind in FEED_KINDS]
    return listing_urls(base, articles_in_topics(topic_tree().descendants(hub.topic_id)), CARDS_PER_PAGE) + feeds


def index_urls():
    from epitope.articles.models import ArticleIndexPage, ArticlePage
    from epitope.core.models import HomePage
    from epitope.topics.listing import CARDS_PER_PAGE

    urls = [home.get_full_url() for home in HomePage.objects.live()]
    for index in ArticleIndexPage.objects.live():
        base = index.get_full_url()
        if base:
            urls += listing_urls(base, ArticlePage.objects.live().public(), CARDS_PER_PAGE)
    return [url for url in urls if url]


def urls_for_article_change(article, topics_before=()):
    """Return the full URLs showing this article: itself, every hub listing it, home and /articles/."""
    from epitope.topics.models import TopicPage

    topic_ids = with_ancestors(set(topics_before) | article_topic_ids(article))
    urls = [article.get_full_url()] + index_urls()
    for hub in TopicPage.objects.live().filter(topic_id__in=topic_ids):
        urls += hub_urls(hub)
    for author in article.listed_authors():
        urls += author_urls(author)
    return [url for url in urls if url]


def author_urls(author):
    """Return an author page's URLs, each page of their stories, and their feeds."""
    from epitope.articles.models import ArticlePage
    from epitope.topics.listing import CARDS_PER_PAGE

    base = author.get_full_url()
    if base is None:
        return []
    stories = ArticlePage.objects.live().filter(authors__author=author).count()
    pages = min(math.ceil(stories / CARDS_PER_PAGE) + 1, MAX_LISTING_PAGES)
    feeds = [urljoin(base, reverse("author_feed", kwargs={"author": author.slug, "kind": kind})) for kind in FEED_KINDS]
    return [base] + [f"{base}?page={n}" for n in range(1, pages + 1)] + feeds


def page_urls(pages):
    """Return the URLs of these pages (Wagtail's own list: each page's cached paths)."""
    batch = PurgeBatch()
    batch.add_pages(pages)
    return set(batch.urls)


def urls_listing_articles(topic_ids):
    """Return the URLs that list articles filed under these topics: home, /articles/ and the topics' hubs."""
    from epitope.topics.models import TopicPage

    urls = set(index_urls())
    for hub in TopicPage.objects.live().filter(topic_id__in=with_ancestors(topic_ids)):
        urls.update(hub_urls(hub))
    return urls


def urls_for_topic_change(topic_ids):
    from epitope.topics.models import TopicPage

    urls = []
    for hub in TopicPage.objects.live().filter(topic_id__in=topic_ids):
        urls += hub_urls(hub)
    return urls


def urls_for_everything():
    """Return every public page's URL, with every listing variant: for changes shown on all pages."""
    from wagtail.models import Page

    from epitope.topics.models import TopicPage

    batch = PurgeBatch()
    batch.add_pages(Page.objects.live().public().exclude(depth=1).specific())
    urls = set(batch.urls) | set(index_urls())
    for hub in TopicPage.objects.live():
        urls |= set(hub_urls(hub))
    return sorted(urls)


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
    connection errors (epitope.core.visibility then queues the purge for the worker).
    """
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    if not enabled() or not urls:
        return
    urls = sorted(set(urls))
    logger.info("Purging %d URLs from the frontend cache now", len(urls))
    purge_urls_from_cache_task.call(urls)
