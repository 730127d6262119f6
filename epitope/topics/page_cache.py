"""What the page cache needs to know about topics: the tags a hub shows and a topic change bumps,
and the addresses a CDN keeps a hub at (see epitope.pagecache.cache_tags for the contract)."""

from django.urls import NoReverseMatch, reverse

from epitope.articles.models import ArticlePage
from epitope.core.paging import CARDS_PER_PAGE
from epitope.pagecache.cache import GLOBAL, listing_tag, page_tag, topic_tag
from epitope.pagecache.cache_tags import ids_of
from epitope.pagecache.frontend_purge import listing_paths

from .taxonomy import topic_tree, with_ancestors

FEED_KINDS = ("rss", "atom", "json")  # epitope.feeds.feeds.KINDS (not imported: feeds imports the search app)


def hub_tags(hub):
    """Return the tags a hub depends on: its topic's listing, its topic and its subtopics' names."""
    children = [child for child, parent in topic_tree().parents.items() if parent == hub.topic_id]
    return {GLOBAL, page_tag(hub.pk), listing_tag(hub.topic_id), topic_tag(hub.topic_id)} | {
        topic_tag(child) for child in children
    }


def tags_for_topic_change(topic_id, parent_before=None):
    """Return the tags to bump when a topic is renamed, moved or deleted."""
    tree = topic_tree()
    chain = with_ancestors([topic_id], tree)
    if parent_before is not None:
        chain |= with_ancestors([parent_before], tree)
    return {topic_tag(topic_id)} | {listing_tag(t) for t in chain}


def listed_topic_ids(tags):
    """Return the topics whose listings the tags say changed."""
    return ids_of("listing", tags)


def hub_paths(hub):
    """Return every path, relative to the hub, that a CDN may keep: each listing page and type, the feeds."""
    articles = ArticlePage.objects.listed_in(topic_tree().descendants(hub.topic_id))
    paths = listing_paths(articles, CARDS_PER_PAGE, "article_type")
    # Feeds are listings too, kept by a CDN for their max-age (feeds.views.hub_feed).
    parts = hub.get_url_parts()
    own = parts[2] if parts else None  # the hub's path from its site's root, as the feed routes go
    for kind in FEED_KINDS:
        try:
            feed = reverse("hub_feed", kwargs={"hub": hub.slug, "kind": kind})
        except NoReverseMatch:  # the feeds app not installed
            break
        if own and feed.startswith(own):
            paths.append("/" + feed[len(own):])
    return paths
