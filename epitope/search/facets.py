"""Filters readers apply to article listings: search, hub feeds and the read API share them.

A facet names a query parameter, lists its choices, narrows an ArticlePage queryset to one
value and counts matches per value. Type and topic are built in; the classification app adds
modality and cancer type by calling `register()` from its `AppConfig.ready()`, and they then
appear in search, in feeds (`?modality=car-t`) and in the API with no change here.
"""

import datetime

from django.db.models import Count

_registered = []


class UnknownValue(Exception):
    """A facet was given a value it does not have."""


class Facet:
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


class TypeFacet(Facet):
    param, label = "type", "Type"

    def choices(self):
        from epitope.articles.models import ArticlePage

        return list(ArticlePage.ARTICLE_TYPES)

    def apply(self, qs, value):
        if value not in dict(self.choices()):
            raise UnknownValue(f"Unknown article type {value!r}.")
        return qs.filter(article_type=value)

    def counts(self, qs):
        rows = qs.order_by().values("article_type").annotate(n=Count("pk"))
        return {row["article_type"]: row["n"] for row in rows}


class TopicFacet(Facet):
    """A topic and every topic below it, as on the hubs."""

    param, label = "topic", "Topic"

    def choices(self):
        from epitope.topics.models import Topic

        return list(Topic.objects.order_by("name").values_list("slug", "name"))

    def apply(self, qs, value):
        from epitope.articles.models import ArticlePage
        from epitope.topics.taxonomy import topic_tree
        from epitope.topics.models import Topic

        topic = Topic.objects.filter(slug=value).only("pk").first()
        if topic is None:
            raise UnknownValue(f"Unknown topic {value!r}.")
        through = ArticlePage.topics.through
        ids = topic_tree().descendants(topic.pk)
        return qs.filter(pk__in=through.objects.filter(topic_id__in=ids).values("articlepage_id"))

    def counts(self, qs):
        """Count each article once under its topics and under every ancestor of them."""
        from epitope.articles.models import ArticlePage
        from epitope.topics.taxonomy import topic_tree
        from epitope.topics.models import Topic

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


BUILT_IN = (TypeFacet(), TopicFacet())


def register(facet):
    """Add a facet (an instance of a Facet subclass) to every article listing."""
    if facet.param in {f.param for f in all_facets()} | {"q", "page", "page_size", "from", "to"}:
        raise ValueError(f"A facet or parameter named {facet.param!r} exists already.")
    _registered.append(facet)


def all_facets():
    return [*BUILT_IN, *_registered]


def selected(params, only=None):
    """Return {param: value} for the facets set in `params` (a QueryDict or dict)."""
    chosen = {}
    for facet in all_facets():
        if only is not None and facet.param not in only:
            continue
        value = (params.get(facet.param) or "").strip()
        if value:
            chosen[facet.param] = value
    return chosen


def apply_all(qs, chosen, skip=None):
    """Return `qs` narrowed by every chosen facet except `skip`; raise UnknownValue on a bad value."""
    by_param = {f.param: f for f in all_facets()}
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
