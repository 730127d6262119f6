"""Rank matches on PostgreSQL: the newest matches, best first, with work bounded by `limit`.

modelsearch's PostgreSQL backend computes ts_rank for every matching article before it sorts
and slices, and reads each match's body tsvector to do so. A broad word ("melanoma") matches
four articles in ten of the synthetic archive, so a search cost grows with the archive (260 ms
at 10,000 articles). Here the matching uses the GIN index on `title || body` (migration
`search.0001`), takes the `limit` newest matching articles from the date index, and ranks only
those with the backend's own rank expression: best first, newest first among equals.

What a reader sees: a query with at most `limit` matches is ranked over all of them, as before.
A broader one ranks its `limit` most recent matches, and the result count already shows
"1000+" there; an older article that matches reappears as soon as the query is narrowed (more
words, a facet, a date range). On a news site the recent coverage of a broad subject is what a
reader of the first pages wants.
"""

from django.db import connection
from django.db.models import F, IntegerField
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast

from .idlists import among


def applies(backend):
    if connection.vendor != "postgresql":  # the PostgreSQL backend's module needs psycopg's types
        return False
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

    return isinstance(backend, PostgresSearchBackend)


def ranked_object_ids(backend, queryset, query, limit):
    """Return up to `limit` pks of `queryset` matching `query`: its newest matches, best first."""
    from modelsearch.backends.database.postgres.postgres import IndexEntry
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    compiler = backend.query_compiler_class(queryset, query, order_by_relevance=True)
    if isinstance(compiler.query, (MatchAll, Not)):
        return None  # not a ranking question; the backend's own path handles these
    config = compiler.get_config(backend)
    tsquery = compiler.build_tsquery(compiler.query, config=config)
    entries = IndexEntry.objects.filter(content_type_id__in=get_descendants_content_types_pks(queryset.model))
    # The same expression as the GIN index, so the planner can use it.
    matching = (
        entries.annotate(vector=CombinedExpression(F("title"), "||", F("body")))
        .filter(vector=tsquery)
        .annotate(object_pk=Cast("object_id", IntegerField()))
        .values("object_pk")
    )
    newest = list(
        queryset.filter(pk__in=matching).order_by("-date", "-pk").values_list("pk", flat=True)[:limit]
    )
    if not newest:
        return []
    rank = compiler._build_rank_expression([(F("title"), F("title_norm")), (F("body"), 1.0)], config)
    scores = dict(
        among(entries, [str(pk) for pk in newest], field="object_id")
        .annotate(score=rank)
        .values_list("object_id", "score")
    )
    # A stable sort keeps `newest` order among equal scores.
    return sorted(newest, key=lambda pk: -(scores.get(str(pk)) or 0.0))
