"""What a topic hub and its research page show for a query string. Plain functions, no HTTP.

A hub lists the cards of every article in its topic or below it, with a filter bar, its
subtopics and its latest research; its research page lists the research items alone.
"""

from epitope.articles.article_types import resolve_type
from epitope.articles.cards import Card
from epitope.articles.models import ArticlePage
from epitope.articles.queries import card_rows, listing_key
from epitope.pagecache import cache, prepared
from epitope.core.paging import PageNotFound, paginate

from . import concept_filters, research
from .taxonomy import subtopic_links, topic_tree


def resolve_filters(params, vocab=None):
    """Return {facet: concept} asked for by `params`; raise PageNotFound for an unknown value."""
    try:
        return concept_filters.resolve(params, vocab)
    except concept_filters.UnknownFilter as exc:
        raise PageNotFound(str(exc)) from exc


def hub_listing(topic, params):
    """Return the template context of a topic hub for the query parameters `params`.

    Its queries are compiled once per listing key and server thread (`pagecache.prepared`): for a
    page of twelve cards, building and compiling them cost more than SQLite takes to run them.
    The filter bar (its counts, links and markup) and the number of cards are kept per process
    until the hub's listing tag is bumped.
    """
    article_type = resolve_type(params.get("type"))
    vocab = concept_filters.vocabulary()
    chosen = resolve_filters(params, vocab)
    ids = topic_tree().descendants(topic.pk)
    key = listing_key(ArticlePage, ids, article_type, chosen)

    def base():
        return ArticlePage.objects.listed_in(ids, article_type)

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


def research_listing(topic, params):
    """Return the context of a hub's research page for `params`; raise PageNotFound."""
    vocab = concept_filters.vocabulary()
    chosen = resolve_filters(params, vocab)
    ids = topic_tree().descendants(topic.pk)
    base = research.research_items(ids)
    page = paginate(concept_filters.narrow(base, chosen), params.get("page"), per_page=research.PER_PAGE)
    page.object_list = research.with_badges(page.object_list)
    return {
        "items": page,
        "filter_groups": concept_filters.filter_bar(base, chosen, "", vocab),
        "active_filters": concept_filters.active(chosen, "", vocab),
        "filter_query": concept_filters.query_string("", chosen),
    }
