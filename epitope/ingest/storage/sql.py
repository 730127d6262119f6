"""The SQL plumbing every storage module shares: the driver's own cursor, its marks, quoting, chunks.

The SQL written with these (multi-row INSERT … ON CONFLICT … RETURNING, executemany UPDATE)
runs unchanged on SQLite ≥ 3.35 and PostgreSQL. Statements go to the driver's own cursor
(`cursor()`), their parameters marked with `mark()`.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3

from django.db import connection


def quote(name):
    """Return a table or column name quoted for this database."""
    return connection.ops.quote_name(name)


def table(model):
    """Return the model's table name, quoted."""
    return quote(model._meta.db_table)


def mark():
    """Return the driver's parameter mark, for SQL run on `cursor()`."""
    return "?" if connection.vendor == "sqlite" else "%s"


@contextlib.contextmanager
def cursor():
    """Yield the database driver's own cursor; its errors are still raised as Django's.

    Django's cursor wrapper rewrites every statement's "%s" marks into SQLite's "?" with a regex
    over the whole SQL text, which costs as much as binding the values of a batch's INSERT.
    On PostgreSQL the values are sent apart from the SQL (server-side binding) rather than
    quoted into it as Django's cursors do: a batch's raw payloads are not escaped into text.
    Statements run here are not seen by `connection.execute_wrapper` or the debug query log.
    """
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            raw = _native_cursor_class()(connection.connection)
        else:
            raw = connection.connection.cursor()
        try:
            yield raw
        finally:
            raw.close()


@functools.cache
def _native_cursor_class():
    import psycopg  # only a PostgreSQL database needs its driver: SQLite runs without it

    class NativeMarksCursor(psycopg.RawCursor):
        """psycopg's cursor for PostgreSQL's own `$n` marks, given SQL written with `%s`.

        psycopg's default cursor finds the `%s` marks with a regex and a Python call per mark,
        caching only statements shorter than 4 kB: a batch's multi-row INSERT (up to 65,000
        marks) was parsed again on every execution, a third of ingestion's CPU on PostgreSQL.
        Here the text is split once per execution, in C.
        """

        def execute(self, query, params=None, **kwargs):
            return super().execute(native_marks(query), params, **kwargs)

        def executemany(self, query, params_seq, **kwargs):
            return super().executemany(native_marks(query), params_seq, **kwargs)

    return NativeMarksCursor


_DOLLARS = ()  # "$1", "$2", … as far as a statement has needed; replaced whole, never mutated


def native_marks(sql):
    """Return `sql`, written with psycopg's `%s` marks (and `%%` for a literal %), with `$1, $2, …`."""
    global _DOLLARS
    literal = "%%" in sql
    if literal:
        sql = sql.replace("%%", "\0")
    parts = sql.split("%s")
    dollars = _DOLLARS
    if len(dollars) < len(parts) - 1:
        # Built apart and bound in one step: threads storing at once each see a whole tuple.
        dollars = _DOLLARS = tuple(f"${i}" for i in range(1, len(parts)))
    out = [parts[0]]
    for dollar, part in zip(dollars, parts[1:]):
        out += (dollar, part)
    text = "".join(out)
    return text.replace("\0", "%") if literal else text


def max_params():
    """Return how many parameters one statement may carry on this database."""
    if connection.vendor == "sqlite":
        return 999 if sqlite3.sqlite_version_info < (3, 32) else 32000
    return 65000


def chunks(seq, size=500):
    """Yield `seq` in lists of at most `size`."""
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def select_in(sql, values, repeat=1):
    """Run `sql` over `values` in chunks; return all rows.

    Each of the `repeat` `{marks}` in `sql` stands for the same IN list of one chunk; other
    parameters are written `{mark}`.
    """
    rows, one = [], mark()
    with cursor() as raw:
        for part in chunks(values, min(500, max_params() // repeat)):
            raw.execute(sql.format(marks=", ".join([one] * len(part)), mark=one), part * repeat)
            rows += raw.fetchall()
    return rows


def refresh_planner_statistics():
    """Update the query planner's row counts, as autovacuum would after a while.

    Right after a bulk load PostgreSQL still believes `ingest_item` holds a few thousand rows and
    picks a hash join over every new item for the leads inbox (10 s at a million items instead of
    0.1 s); SQLite has no statistics at all until ANALYZE runs.
    """
    if connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests run in one)
        return
    with connection.cursor() as raw:
        raw.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
