"""Which articles a topic hub shows, and in what order. Plain functions, testable without HTTP."""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from . import concept_filters

CARDS_PER_PAGE = 12


class PageNotFound(Exception):
    """The visitor asked for a listing page or filter that does not exist."""


@dataclass
class TopicTree:
    parents: dict = field(default_factory=dict)  # topic id -> parent id (or None)
    names: dict = field(default_factory=dict)

    def descendants(self, topic_id):
        """Return the ids of a topic and every topic below it."""
        children = {}
        for child, parent in self.parents.items():
            children.setdefault(parent, []).append(child)
        found, stack = [], [topic_id]
        while stack:
            node = stack.pop()
            if node in found:  # a cycle saved outside the admin must not hang the hub
                continue
            found.append(node)
            stack.extend(children.get(node, []))
        return found

    def ancestors(self, topic_id):
        from .models import Topic

        chain, node = [], self.parents.get(topic_id)
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parents.get(node)
        by_id = Topic.objects.select_related("page").in_bulk(chain)
        return [by_id[pk] for pk in reversed(chain) if pk in by_id]


def topic_tree():
    """Return the whole topic tree, kept in process memory until a topic is saved or deleted.

    Callers only read it; it is shared between requests.
    """
    from epitope.core import cache

    return cache.memo("topic-tree", [cache.TOPICS], _load_topic_tree)


def _load_topic_tree():
    from .models import Topic

    tree = TopicTree()
    for pk, parent_id, name in Topic.objects.values_list("id", "parent_id", "name"):
        tree.parents[pk] = parent_id
        tree.names[pk] = name
    return tree


@dataclass(frozen=True)
class TopicLink:
    """A topic as links show it: its name and its live hub (title, URL), if it has one."""

    id: int
    parent_id: int | None
    name: str
    has_hub: bool
    hub_title: str = ""
    url: str | None = None  # None without a live hub


def topic_links():
    """Return {topic id: TopicLink} for every topic, in name order.

    Kept per process until a topic or a hub page is saved or deleted, a page is published,
    moved or unpublished (the "global" tag) or a site changes (the URLs).
    """
    from epitope.core import cache

    return cache.memo("topic-links", [cache.TOPICS, cache.HUBS, cache.GLOBAL, cache.SITES], _load_topic_links)


def _load_topic_links():
    from .models import Topic

    links = {}
    for topic in Topic.objects.select_related("page"):  # ordered by name, as the database collates
        hub = topic.hub
        if hub is None:
            links[topic.pk] = TopicLink(topic.pk, topic.parent_id, topic.name, False)
        else:
            links[topic.pk] = TopicLink(topic.pk, topic.parent_id, topic.name, True, hub.display_title, hub.url)
    return links


def subtopic_links(topic_id):
    """Return a hub's subtopics, by name, each with its live hub's URL if it has one."""
    return [link for link in topic_links().values() if link.parent_id == topic_id]


def articles_in_topics(topic_ids, article_type=None, filters=None):
    """Return live, public articles in any of the topics, newest first.

    `filters` is {facet: concept} as `concept_filters.resolve` returns it. A subquery on the
    through table rather than a join keeps one row per article, so no DISTINCT is needed and
    the ordering index can be used.
    """
    from epitope.articles.models import NEWEST_FIRST, ArticlePage
    from epitope.core.routes import public

    through = ArticlePage.topics.through
    qs = public(ArticlePage.objects.live()).filter(
        pk__in=through.objects.filter(topic_id__in=topic_ids).values("articlepage_id")
    )
    if article_type:
        qs = qs.filter(article_type=article_type)
    if filters:
        qs = concept_filters.narrow(qs, filters)
    return qs.order_by(*NEWEST_FIRST)


def card_queryset(qs):
    """Load what a card shows in one query, whatever the page size.

    The evidence badge ("Phase 1 trial", "Mouse study") comes from the stored classification
    as a subquery of the card query itself. The picture comes from the fragment cache
    (`articles.cards.card_pictures`), so images and renditions are loaded only for a picture
    not rendered yet.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, OuterRef, Subquery
    from django.db.models.functions import Cast

    from epitope.classify.models import StoredClassification

    badge = StoredClassification.objects.filter(
        content_type=ContentType.objects.get_for_model(qs.model),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).values("evidence_badge")[:1]
    return qs.defer_streamfields().annotate(evidence_badge=Subquery(badge))


def card_rows(qs):
    """`card_queryset(qs)` as rows of `articles.cards.Card.COLUMNS`: what `Card.rows` reads."""
    from epitope.articles.cards import Card

    return card_queryset(qs).values_list(*Card.COLUMNS)


def paginate(qs, page_number, per_page=CARDS_PER_PAGE):
    paginator = Paginator(qs, per_page)
    try:
        return paginator.page(page_number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage as exc:
        if paginator.count == 0 and str(page_number) == "1":
            return paginator.page(1)
        raise PageNotFound(f"There is no page {page_number} of this listing.") from exc


def resolve_type(value):
    from epitope.articles.models import ArticlePage

    if not value:
        return ""
    if value not in dict(ArticlePage.ARTICLE_TYPES):
        raise PageNotFound(f"Unknown article type {value!r}.")
    return value


def resolve_filters(params, vocab=None):
    """Return {facet: concept} asked for by `params`; raise PageNotFound for an unknown value."""
    try:
        return concept_filters.resolve(params, vocab)
    except concept_filters.UnknownFilter as exc:
        raise PageNotFound(str(exc)) from exc


def listing_key(topic_ids, article_type="", chosen=None):
    """Return what a hub listing's SQL depends on, as a `core.prepared` key.

    The topic ids, type and filters asked for, the content type ids the filters and badges
    read, and whether any view restriction exists (`routes.public` adds its query only then).
    """
    from django.contrib.contenttypes.models import ContentType

    from epitope.articles.models import ArticlePage
    from epitope.core.routes import restricted_paths

    return (
        tuple(topic_ids), article_type or "", tuple(sorted((chosen or {}).items())),
        ContentType.objects.get_for_model(ArticlePage).pk, restricted_paths(),
    )


def hub_listing(topic, params):
    """Return the template context of a topic hub for the query parameters `params`.

    Its queries are compiled once per listing key and server thread (`core.prepared`): for a
    page of twelve cards, building and compiling them cost more than SQLite takes to run them.
    The filter bar (its counts, links and markup) and the number of cards are kept per process
    until the hub's listing tag is bumped.
    """
    from epitope.articles.cards import Card
    from epitope.articles.models import ArticlePage
    from epitope.core import cache, prepared

    from . import research

    article_type = resolve_type(params.get("type"))
    vocab = concept_filters.vocabulary()
    chosen = resolve_filters(params, vocab)
    ids = topic_tree().descendants(topic.pk)
    key = listing_key(ids, article_type, chosen)

    def base():
        return articles_in_topics(ids, article_type)

    listed = [cache.listing_tag(topic.pk)]  # bumped by any change to what the hub lists
    cards = prepared.Listing(("hub-cards", key), lambda: card_rows(concept_filters.narrow(base(), chosen)), Card.rows,
                             kept_until=listed)
    page = paginate(cards, params.get("page"))
    # The filter bar's links and labels follow from the counts, the filters and the vocabulary.
    filter_groups = cache.memo(("hub-filter-bar", key), [*listed, cache.VOCABULARY], lambda: concept_filters.FilterBar(
        concept_filters.filter_bar(base, chosen, article_type, vocab, key=("hub-facets", key), kept_until=listed)))
    return {
        "cards": page,
        "article_type": article_type,
        "type_choices": ArticlePage.ARTICLE_TYPES,
        "subtopics": subtopic_links(topic.pk),
        "filter_groups": filter_groups,
        "active_filters": concept_filters.active(chosen, article_type, vocab),
        "filter_query": concept_filters.query_string(article_type, chosen),
        "facet_query": concept_filters.query_string("", chosen),
        "latest_research": research.latest_for_topic(ids, chosen),
    }
