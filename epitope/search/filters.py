"""Filters readers apply to article listings by query parameter: search, hub feeds and the read API.

A filter names a query parameter, lists its choices, narrows an ArticlePage queryset to one
value and counts matches per value: story type, topic (with the topics below it), therapy and
cancer type. The last two are concept filters, read, checked and counted by
`topics.concept_filters` as on the hubs, with the same labels.
"""

import datetime

from django.db.models import Count

from epitope.articles.models import ArticlePage
from epitope.topics import concept_filters
from epitope.topics.taxonomy import topic_tree
from epitope.topics.models import Topic

# The concept filters search, the read API and an article's JSON-LD offer; hubs, their research
# pages and feeds take every one (`concept_filters.PARAMS`).
SEARCHED_CONCEPTS = ("modality", "cancer_type")


class UnknownValue(Exception):
    """A filter was given a value it does not have."""


class ListingFilter:
    param = ""
    label = ""

    def choices(self):
        """Return (value, label) pairs, in display order."""
        raise NotImplementedError

    def apply(self, qs, value):
        """Return `qs` narrowed to articles with `value`; raise UnknownValue if there is none."""
        raise NotImplementedError

    def counts(self, qs):
        """Return {value: number of articles in `qs` with that value}."""
        raise NotImplementedError


class TypeFilter(ListingFilter):
    param, label = "type", "Type"

    def choices(self):
        return list(ArticlePage.ARTICLE_TYPES)

    def apply(self, qs, value):
        if value not in dict(self.choices()):
            raise UnknownValue(f"Unknown article type {value!r}.")
        return qs.filter(article_type=value)

    def counts(self, qs):
        rows = qs.order_by().values("article_type").annotate(n=Count("pk"))
        return {row["article_type"]: row["n"] for row in rows}


class TopicFilter(ListingFilter):
    """A topic and every topic below it, as on the hubs."""

    param, label = "topic", "Topic"

    def choices(self):
        return list(Topic.objects.order_by("name").values_list("slug", "name"))

    def apply(self, qs, value):
        topic = Topic.objects.filter(slug=value).only("pk").first()
        if topic is None:
            raise UnknownValue(f"Unknown topic {value!r}.")
        through = ArticlePage.topics.through
        ids = topic_tree().descendants(topic.pk)
        return qs.filter(pk__in=through.objects.filter(topic_id__in=ids).values("articlepage_id"))

    def counts(self, qs):
        """Count each article once under its topics and under every ancestor of them."""
        tree = topic_tree()
        through = ArticlePage.topics.through
        members = {}
        rows = through.objects.filter(articlepage_id__in=qs.order_by().values("pk"))
        for article_id, topic_id in rows.values_list("articlepage_id", "topic_id"):
            node, seen = topic_id, set()
            while node is not None and node not in seen:
                seen.add(node)
                members.setdefault(node, set()).add(article_id)
                node = tree.parents.get(node)
        slugs = dict(Topic.objects.filter(pk__in=members).values_list("pk", "slug"))
        return {slugs[pk]: len(ids) for pk, ids in members.items() if pk in slugs}


class ConceptFilter(ListingFilter):
    """A classifier concept filter: everything it does is `topics.concept_filters`' doing."""

    def __init__(self, param):
        self.param, self.label = param, concept_filters.LABELS[param]

    def choices(self):
        return concept_filters.choices(self.param)

    def apply(self, qs, value):
        try:
            chosen = concept_filters.resolve({self.param: value})
        except concept_filters.UnknownFilter as exc:
            raise UnknownValue(str(exc)) from exc
        return concept_filters.narrow(qs, chosen)

    def counts(self, qs):
        return concept_filters.counts(qs, self.param)

    def terms_for(self, article):
        """Return (concept, label) pairs the article carries, for schema.org `about`."""
        return concept_filters.terms_of(article, self.param)


FILTERS = (TypeFilter(), TopicFilter(), *(ConceptFilter(param) for param in SEARCHED_CONCEPTS))


def all_filters():
    return list(FILTERS)


def value_label(param, value):
    """Return what a reader sees for `value` of the filter `param` (the value itself if unknown)."""
    by_param = {f.param: f for f in FILTERS}
    return dict(by_param[param].choices()).get(value, value)


def selected(params):
    """Return {param: value} for the filters set in `params` (a QueryDict or dict)."""
    chosen = {}
    for listing_filter in FILTERS:
        value = (params.get(listing_filter.param) or "").strip()
        if value:
            chosen[listing_filter.param] = value
    return chosen


def apply_all(qs, chosen, skip=None):
    """Return `qs` narrowed by every chosen filter except `skip`; raise UnknownValue on a bad value."""
    by_param = {f.param: f for f in FILTERS}
    for param, value in chosen.items():
        if param != skip:
            qs = by_param[param].apply(qs, value)
    return qs


def parse_date(value):
    """Return a date from YYYY-MM-DD, or None for anything else (a half-typed date is no error)."""
    try:
        return datetime.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def apply_dates(qs, start=None, end=None):
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs
