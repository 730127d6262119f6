"""Querysets compiled to SQL once per key and server thread, then run as they are.

Django builds and compiles a queryset's SQL anew on every request. For the handful of small
queries of a hub or article page that is most of their cost: SQLite answers them in
microseconds, while building the filters and compiling the SELECT (joins, column lists,
ordering, quoting) takes a page about a third of its time. Here the first request of a
thread compiles a query and keeps its compiler; later ones with the same key run the same SQL
with the same parameters through that compiler, so results come back exactly as Django makes
them (model instances, select_related, field converters). Results are never kept.

The key must name everything the SQL depends on: the ids, filters and page asked for, the
content type ids it filters on, the version tokens of whatever it was built from
(`cache.tag_tokens`). Never use it for a query whose parameters depend on the time, the
visitor or anything else outside the key.

Compilers hold their thread's database connection (Django keeps one per thread), so each
thread keeps its own.
"""

import threading

from django.core.exceptions import EmptyResultSet
from django.db import connections

from . import cache

MAX_KEYS = 300  # a thread's compiled queries (~40 kB each, a queryset and its compiler); then afresh
_local = threading.local()


def _held():
    held = getattr(_local, "held", None)
    if held is None or len(held) >= MAX_KEYS:
        held = _local.held = {}
    return held


def _freeze(qs):
    """Return `qs` with its compiler made once: the same SQL and parameters every time it runs.

    None for a query that can match nothing (an empty slice, `pk__in=[]`): Django compiles
    no SQL for it.
    """
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        compiled = compiler.as_sql()
    except EmptyResultSet:
        return None
    # Private Django behaviour, guarded by tests/test_pagecache_private_api.py (a frozen query
    # must run without compiling again): QuerySet iteration asks query.get_compiler() and the
    # compiler's as_sql(), and Query.clone() copies the instance's attributes, so every chained
    # copy (QuerySet._chain) keeps this compiler.
    compiler.as_sql = lambda *args, **kwargs: compiled
    qs.query.get_compiler = lambda *args, **kwargs: compiler
    return qs


def fetch(key, build):
    """Return list(build()), compiling build()'s SQL only the first time this thread sees `key`.

    `build` returns the queryset, sliced and ordered as wanted; it is called on a miss only.
    The queryset itself is never handed out (slicing or filtering it again would run the
    frozen SQL regardless), only its rows.
    """
    held = _held()
    entry = held.get(("rows", key))
    if entry is None:
        entry = held[("rows", key)] = [_freeze(build())]  # [None]: matches nothing
    template = entry[0]
    return [] if template is None else list(template._chain())


def count(key, build):
    """Return build().count(), the counting SQL compiled once per key and thread."""
    held = _held()
    entry = held.get(("count", key))
    if entry is None:
        qs = build().order_by().values("pk")
        try:
            sql, params = qs.query.get_compiler(using=qs.db).as_sql()
        except EmptyResultSet:
            entry = held[("count", key)] = ()
        else:
            entry = held[("count", key)] = (qs.db, f"SELECT COUNT(*) FROM ({sql}) counted", params)
    if not entry:
        return 0
    using, sql, params = entry
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


class Listing:
    """A paginated queryset for Django's Paginator: counted and sliced through prepared queries."""

    ordered = True  # the queryset given is; tells Paginator not to warn

    def __init__(self, key, build, convert=None, kept_until=None):
        self.key, self.build, self.convert = key, build, convert  # convert(rows) -> what a page holds
        self.kept_until = kept_until

    def count(self):
        """Count the rows; with `kept_until` (cache tags), once per process until one is bumped.

        The count (the pagination's page numbers) is a query of its own, as long as the page's
        rows: a hub passes its listing tag, which every change to what it lists bumps.
        """
        if self.kept_until:
            return cache.memo(("listing-count", self.key), self.kept_until, lambda: count(self.key, self.build))
        return count(self.key, self.build)

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("a Listing is read a page (a slice) at a time")
        rows = fetch((self.key, window.start, window.stop), lambda: self.build()[window])
        return self.convert(rows) if self.convert else rows
