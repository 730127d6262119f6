"""Run a reader's search: rank with the search backend, then filter, count and page in SQL.

Every term must match. When nothing (no article, no research) has them all and there are
several, the search is broadened to any term, and the outcome says so: a reader who typed
"CAR-T glioblastoma" sees the stories about either rather than an empty page.
"""

import logging
from dataclasses import dataclass, field

from django.core.paginator import Paginator

from wagtail.search.backends import get_search_backend

from epitope.articles.models import ArticlePage
from epitope.articles.queries import card_queryset

from . import filters, postgres_ranking, sqlite_ranking
from .highlight import highlight
from .idlists import among
from .query import sanitise, to_backend_query
from .research import ResearchMatches, find_research

logger = logging.getLogger("epitope.search")

RESULTS_PER_PAGE = 10
# Facet counts and paging work on the ids of the best matches; past this many a reader
# refines the query rather than paging on, and the cost of a search stays bounded.
MAX_MATCHES = 1000


class Hit:
    """An article as a result card sees it: title and standfirst with the matches marked."""

    def __init__(self, article, words):
        self._article = article
        self.title = highlight(article.title, words)
        self.standfirst = highlight(article.standfirst, words)

    def __getattr__(self, name):
        return getattr(self._article, name)


@dataclass
class SearchOutcome:
    terms: object
    chosen: dict = field(default_factory=dict)
    start: object = None
    end: object = None
    page: object = None  # a Paginator page of Hit
    facet_counts: list = field(default_factory=list)  # (facet, [(value, label, count, is_chosen)])
    total: int = 0
    capped: bool = False
    broadened: bool = False  # no result had every term: these have any of them
    research: ResearchMatches = field(default_factory=ResearchMatches)


def ranked_ids(base, terms, any_term=False):
    """Return the ids of articles in `base` (and only those) matching `terms` (all, or any with
    `any_term`), most relevant first."""
    query = to_backend_query(terms, any_term)
    if query is None:
        return []
    backend = get_search_backend()
    if sqlite_ranking.applies(backend):  # the backend's own ranking is quadratic on SQLite
        ids = sqlite_ranking.ranked_object_ids(backend, base, query, MAX_MATCHES)
        if ids is not None:
            allowed = set(base.filter(pk__in=ids).values_list("pk", flat=True))
            return [pk for pk in ids if pk in allowed]
    if postgres_ranking.applies(backend):  # the backend's own ranks every match on PostgreSQL
        ids = postgres_ranking.ranked_object_ids(backend, base, query, MAX_MATCHES)
        if ids is not None:
            return ids
    results = base.only("pk").search(query, order_by_relevance=True)
    return [page.pk for page in results[:MAX_MATCHES]]


def run_search(params):
    """Return the SearchOutcome for the query parameters `params`; raise filters.UnknownValue."""
    terms = sanitise(params.get("q", ""))
    outcome = SearchOutcome(
        terms=terms,
        chosen=filters.selected(params),
        start=filters.parse_date(params.get("from")),
        end=filters.parse_date(params.get("to")),
    )
    base = ArticlePage.objects.live().public()
    # Dates narrow what is ranked, not what ranking kept: ranking keeps at most MAX_MATCHES (on
    # PostgreSQL the newest), and a range in the past must still find its matches.
    dated = filters.apply_dates(base, outcome.start, outcome.end)
    ids = ranked_ids(dated, terms)
    outcome.research = find_research(terms, outcome.chosen, outcome.start, outcome.end)
    if not ids and not outcome.research.total and len(terms.terms) > 1:
        outcome.broadened = True
        ids = ranked_ids(dated, terms, any_term=True)
        outcome.research = find_research(terms, outcome.chosen, outcome.start, outcome.end, any_term=True)
    outcome.capped = len(ids) >= MAX_MATCHES
    # The ranked ids are all live, public and in the date range already: the facet queries below
    # need not join the page table again, and with no facet chosen there is nothing to narrow.
    matches = among(ArticlePage.objects.all(), ids)
    if outcome.chosen:
        keep = set(filters.apply_all(matches, outcome.chosen).values_list("pk", flat=True))
        ordered = [pk for pk in ids if pk in keep]
    else:
        ordered = ids
    outcome.total = len(ordered)
    outcome.facet_counts = _facet_counts(matches, outcome.chosen) if ids else []

    page = Paginator(ordered, RESULTS_PER_PAGE).get_page(params.get("page"))
    by_pk = {a.pk: a for a in card_queryset(base.filter(pk__in=list(page.object_list)))}
    words = terms.all_words()
    page.object_list = [Hit(by_pk[pk], words) for pk in page.object_list if pk in by_pk]
    outcome.page = page
    return outcome


def _facet_counts(matches, chosen):
    """Count each facet's values among matches narrowed by every *other* chosen facet."""
    out = []
    for facet in filters.all_filters():
        counts = facet.counts(filters.apply_all(matches, chosen, skip=facet.param))
        values = [
            (value, label, counts[value], chosen.get(facet.param) == value)
            for value, label in facet.choices()
            if counts.get(value)
        ]
        if values:
            out.append((facet, values))
    return out
