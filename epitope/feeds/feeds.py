"""Feeds of a topic hub, optionally narrowed by filters, and of an author: hook classes in the syndication style.

One base class says what a feed says of each story; a hub feed and an author feed say whose
stories they list; the RSS, Atom and JSON Feed classes differ only in the generator that writes it out.
"""

from dataclasses import dataclass, field

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.http import urlencode

from epitope.articles.models import ArticlePage
from epitope.core import site_urls
from epitope.search import filters
from epitope.topics import concept_filters
from epitope.topics.taxonomy import topic_tree

from . import items as meta
from .jsonfeed import JSONFeed

FEED_LENGTH = 20
KINDS = ("rss", "atom", "json")


def chosen_filters(params):
    """Return {param: value} of the filters a hub feed is asked for by `params`, unchecked.

    Search's (type, topic, therapy, cancer type), then the hub's other concept filters: a feed
    takes every filter its hub page takes, so the hub's feed links keep them all.
    """
    return {**filters.selected(params), **concept_filters.selected(params)}


@dataclass
class HubSelection:
    """A hub and the filters asked for, as resolved from the URL."""

    hub: object
    chosen: dict = field(default_factory=dict)

    def articles(self):
        """Return the hub's articles narrowed by the chosen filters, newest first.

        Concept filters (therapy, cancer type, target, evidence) narrow as on the hub page,
        through the hub's own listing function; the rest (type, topic) as in search.
        """
        ids = topic_tree().descendants(self.hub.topic_id)
        try:
            concepts = concept_filters.resolve(self.chosen)
        except concept_filters.UnknownFilter as exc:
            raise filters.UnknownValue(str(exc)) from exc
        rest = {param: value for param, value in self.chosen.items() if param not in concepts}
        return filters.apply_all(concept_filters.narrow(ArticlePage.objects.listed_in(ids), concepts), rest)

    def query_string(self):
        return "?" + urlencode(self.chosen) if self.chosen else ""

    def label(self):
        """Return the chosen filters as readers see them, e.g. "Feature, CAR-T"."""
        return ", ".join(_value_label(param, value) for param, value in self.chosen.items())


def _value_label(param, value):
    if param in concept_filters.PARAMS:
        return concept_filters.value_label(value)
    return filters.value_label(param, value)


class MediaRss201rev2Feed(Rss201rev2Feed):
    """RSS 2.0 that also carries the hero image as Media RSS, which most readers show as the thumbnail."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:media"] = "http://search.yahoo.com/mrss/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("share_image")
        if image:
            handler.startElement(
                "media:content",
                {
                    "url": image["url"],
                    "medium": "image",
                    "type": image["mime_type"],
                    "width": str(image["width"]),
                    "height": str(image["height"]),
                },
            )
            if image["alt"]:
                handler.addQuickElement("media:description", image["alt"], {"type": "plain"})
            handler.endElement("media:content")


class StoryFeed(Feed):
    """What every story feed says about each story; subclasses say whose stories they are."""

    author_name = "Epitope"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, selection):
        return selection

    def feed_url(self, obj):
        return site_urls.absolute(self.request.get_full_path(), self.request)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return meta.guid(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return meta.published_at(item)

    def item_updateddate(self, item):
        return meta.updated_at(item)

    def item_author_name(self, item):
        return ", ".join(meta.author_names(item)) or None

    def item_author_link(self, item):
        authors = item.listed_authors()
        return authors[0].get_full_url(self.request) if authors else None

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]

    def item_enclosures(self, item):
        image = self._share_image(item)
        if image is None:
            return []
        return [Enclosure(image["url"], str(image["length"]), image["mime_type"])]

    def item_extra_kwargs(self, item):
        image = self._share_image(item)
        return {
            "share_image": image,
            "image": image["url"] if image else None,
            "authors": meta.author_names(item),
        }

    def _share_image(self, item):
        cache = self.__dict__.setdefault("_images", {})
        if item.pk not in cache:
            cache[item.pk] = meta.share_image(item.hero_image, self.request)
        return cache[item.pk]


class HubFeed(StoryFeed):
    """A hub's stories, narrowed by the facets chosen (a HubSelection)."""

    def title(self, obj):
        suffix = obj.label()
        return f"{obj.hub.display_title}{' – ' + suffix if suffix else ''} | Epitope"

    def link(self, obj):
        return obj.hub.get_full_url(self.request) + obj.query_string()

    def description(self, obj):
        return obj.hub.search_description or f"The latest news and features from Epitope on {obj.hub.topic.name}."

    def items(self, obj):
        return meta.with_share_images(obj.articles())[:FEED_LENGTH]


class AuthorFeed(StoryFeed):
    """One author's stories, newest first (the object is their AuthorPage)."""

    def title(self, obj):
        return f"Stories by {obj.title} | Epitope"

    def link(self, obj):
        return obj.get_full_url(self.request)

    def description(self, obj):
        return obj.search_description or f"The latest news and features from Epitope by {obj.title}."

    def items(self, obj):
        return meta.with_share_images(obj.stories())[:FEED_LENGTH]


class RssHubFeed(HubFeed):
    feed_type = MediaRss201rev2Feed


class AtomHubFeed(HubFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class JsonHubFeed(HubFeed):
    feed_type = JSONFeed


FEED_CLASSES = {"rss": RssHubFeed, "atom": AtomHubFeed, "json": JsonHubFeed}


class RssAuthorFeed(AuthorFeed):
    feed_type = MediaRss201rev2Feed


class AtomAuthorFeed(AuthorFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class JsonAuthorFeed(AuthorFeed):
    feed_type = JSONFeed


AUTHOR_FEED_CLASSES = {"rss": RssAuthorFeed, "atom": AtomAuthorFeed, "json": JsonAuthorFeed}
