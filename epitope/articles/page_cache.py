"""What the page cache needs to know about articles: the tags an article shows and a change to it
bumps, and the addresses a CDN keeps /articles/ at (see epitope.pagecache.cache_tags)."""

import math

from epitope.core.paging import CARDS_PER_PAGE
from epitope.pagecache.cache import GLOBAL, LATEST, listing_tag, page_tag, topic_tag
from epitope.pagecache.frontend_purge import MAX_LISTING_PAGES, listing_paths
from epitope.topics.taxonomy import with_ancestors

AUTHOR_FEED_KINDS = ("rss", "atom", "json")  # feeds.urls "author_feed", at <author page>/feed/<kind>/


def topic_ids(articles):
    """Return the ids of the topics the (saved) articles are filed under, as stored now."""
    model = type(articles[0]) if articles else None
    if model is None:
        return set()
    through = model.topics.through
    ids = [article.pk for article in articles]
    return set(through.objects.filter(articlepage_id__in=ids).values_list("topic_id", flat=True))


def article_tags(article):
    """Return the tags an article's page depends on: itself, its topics' listings (related
    stories), its topics and their ancestors (links, breadcrumbs)."""
    filed = topic_ids([article])
    return {GLOBAL, page_tag(article.pk)} | {listing_tag(t) for t in filed} | {
        topic_tag(t) for t in with_ancestors(filed)
    }


def tags_for_change(articles):
    """Return the tags to bump when these articles are published, changed, unpublished or deleted.

    The listings of the topics they were filed under before the change too (remembered by
    epitope.articles.signal_handlers before a save), and of every ancestor of each.
    """
    if not articles:
        return set()
    filed = topic_ids(articles)
    for article in articles:
        filed |= set(getattr(article, "_epitope_topics_before", ()))
    # An author page lists its stories: its own tag, so only the authors of these stories purge.
    authors = {page_tag(author_id) for author_id in author_ids(articles)}
    return {page_tag(a.pk) for a in articles} | {LATEST} | {listing_tag(t) for t in with_ancestors(filed)} | authors


def author_ids(articles):
    """Return the ids of the author pages of the (saved) articles, as stored now and as held on them."""
    links = type(articles[0])._meta.get_field("authors").related_model
    ids = set(links.objects.filter(page_id__in=[a.pk for a in articles]).values_list("author_id", flat=True))
    for article in articles:
        ids |= {link.author_id for link in article.authors.all() if link.author_id}
    return ids


def index_paths(articles):
    """Return every path, relative to /articles/, a CDN may keep: each listing page, for all and each type."""
    return listing_paths(articles, CARDS_PER_PAGE, "article_type")


def author_paths(author, stories):
    """Return every path, relative to an author page, a CDN may keep: each page of their stories, their feeds."""
    # One page more than there is now: an unpublish may just have removed the last one.
    pages = min(math.ceil(stories.count() / CARDS_PER_PAGE) + 1, MAX_LISTING_PAGES)
    return ["/"] + [f"/?page={n}" for n in range(1, pages + 1)] + [f"/feed/{kind}/" for kind in AUTHOR_FEED_KINDS]
