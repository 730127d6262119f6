"""Feeds of a topic hub, optionally narrowed by facets: hook classes in the syndication style.

One base class says what is in a hub feed; the RSS, Atom and JSON Feed classes differ only in
the generator that writes it out.
"""

from dataclasses import dataclass, field

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from epitope.core import site_urls
from epitope.search import facets

from . import items as meta
from .jsonfeed import JSONFeed

FEED_LENGTH = 20
KINDS = ("rss", "atom", "json")


@dataclass
class HubSelection:
    """A hub and the facet filters asked for, as resolved from the URL."""

    hub: object
    chosen: dict = field(default_factory=dict)

    def articles(self):
        """Return the hub's articles narrowed by the chosen facets, newest first.

        Classifier facets (modality, cancer type, target, evidence) filter as on the hub page,
        through the hub's own listing function; the rest (type, topic) as in search.
        """
        from epitope.topics import facet_filters
        from epitope.topics.listing import articles_in_topics, topic_tree

        ids = topic_tree().descendants(self.hub.topic_id)
        try:
            concepts = facet_filters.resolve(self.chosen)
        except facet_filters.UnknownFilter as exc:
            raise facets.UnknownValue(str(exc)) from exc
        rest = {param: value for param, value in self.chosen.items() if param not in concepts}
        return facets.apply_all(articles_in_topics(ids, filters=concepts), rest)

    def query_string(self):
        from django.utils.http import urlencode

        return "?" + urlencode(self.chosen) if self.chosen else ""

    def label(self):
        """Return the chosen filters as readers see them, e.g. "Feature"."""
        from epitope.topics import facet_filters

        by_param = {f.param: f for f in facets.all_facets()}
        labels = []
        for param, value in self.chosen.items():
            if param in facet_filters.PARAMS:
                labels.append(facet_filters.value_label(value))
            else:
                labels.append(dict(by_param[param].choices()).get(value, value))
        return ", ".join(labels)


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


class HubFeed(Feed):
    author_name = "Epitope"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, selection):
        return selection

    def title(self, obj):
        suffix = obj.label()
        return f"{obj.hub.display_title}{' – ' + suffix if suffix else ''} | Epitope"

    def link(self, obj):
        return obj.hub.get_full_url(self.request) + obj.query_string()

    def feed_url(self, obj):
        return site_urls.absolute(self.request.get_full_path(), self.request)

    def description(self, obj):
        return obj.hub.search_description or f"The latest news and features from Epitope on {obj.hub.topic.name}."

    def items(self, obj):
        return meta.with_share_images(obj.articles())[:FEED_LENGTH]

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


class RssHubFeed(HubFeed):
    feed_type = MediaRss201rev2Feed


class AtomHubFeed(HubFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class JsonHubFeed(HubFeed):
    feed_type = JSONFeed


FEED_CLASSES = {"rss": RssHubFeed, "atom": AtomHubFeed, "json": JsonHubFeed}
