"""Plain SQL for the pipeline's hot path: rows in and out without a model instance per item.

The ORM's bulk_create prepares every value of every field through several layers, which cost
more than SQLite's write itself when ingesting thousands of items. These helpers take plain
dicts keyed by field attname, fill in the model's defaults for fields left out (so columns added
by later migrations still get their values) and adapt values once per type. The SQL they write
(multi-row INSERT … ON CONFLICT … RETURNING, executemany UPDATE) runs unchanged on SQLite ≥ 3.35
and PostgreSQL.

Statements go to the driver's own cursor (`cursor()`), their parameters marked with `mark()`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3

import orjson
from django.db import connection, models
from django.utils import timezone


def _quote(name):
    return connection.ops.quote_name(name)


def table(model):
    return _quote(model._meta.db_table)


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
    import psycopg

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
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _adapter(kind, encoder, ops, vendor):
    """Return the function adapting one value of a column of `kind` ("json", "datetime") for the driver.

    Bound to this connection's `ops` once per statement: `connection.ops` goes through Django's
    per-thread connection proxy, which costs more than the adapting itself, per value.
    """
    if kind == "datetime":
        return ops.adapt_datetimefield_value
    if vendor == "sqlite":
        # What ops.adapt_json_value does on SQLite (json.dumps(value, cls=encoder)), one call less
        # per value, and through orjson where it can: a tenth of json.dumps's cost per small
        # value, several per item. What orjson refuses (a lone surrogate from a broken feed, a
        # non-string key, a 65-bit integer) json.dumps writes as it always did.
        if encoder:
            return functools.partial(json.dumps, cls=encoder)
        fast, slow = orjson.dumps, json.dumps

        def adapt(value):
            if not value and isinstance(value, (list, dict)):  # most are empty in a feed
                return "[]" if isinstance(value, list) else "{}"
            try:
                return fast(value).decode()
            except TypeError:
                return slow(value)
        return adapt
    adapt_json = ops.adapt_json_value
    return lambda value: adapt_json(value, encoder)


def _kind(field):
    if isinstance(field, models.JSONField):
        return "json"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    return None


@functools.cache
def _columns_of(model, vendor):
    """Return [(attname, column, (adapter kind, JSON encoder) or None, default)] of the model's
    stored fields but its id.

    `default` is a callable for fields whose value is only known at write time (auto_now,
    callable defaults), else the constant default.
    """
    cols = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = timezone.now
        elif field.has_default() and callable(field.default):
            default = field.default
        else:
            default = field.get_default()
        kind = _kind(field)
        cols.append((field.attname, _quote(field.column), kind and (kind, getattr(field, "encoder", None)), default))
    return cols


def _encoder(cols, now):
    """Return a function turning one row dict into the values for `cols`, adapted for the driver."""
    ops, vendor = connection.ops, connection.vendor
    at = ops.adapt_datetimefield_value(now)
    base, adapters = [], []
    for k, (_attname, _column, how, default) in enumerate(cols):
        adapt = _adapter(*how, ops, vendor) if how else None
        value = now if default is timezone.now else default() if callable(default) else default
        base.append(at if value is now else adapt(value) if adapt is not None and value is not None else value)
        if adapt is not None:
            adapters.append((k, adapt))
    defaults = [(attname, value) for (attname, *_), value in zip(cols, base)]

    def encode(row):
        values = [row.get(name, value) for name, value in defaults]
        for k, adapt in adapters:
            value = values[k]
            if value is now:
                values[k] = at
            elif value is not None and value is not base[k]:
                values[k] = adapt(value)
        return values
    return encode


def insert(model, rows, returning=("id",), conflict=None, now=None):
    """INSERT rows (dicts by attname) of `model`; return the `returning` columns of rows written.

    `conflict` names a unique column: a row whose value is already stored is skipped, not an
    error (ON CONFLICT … DO NOTHING), and returns nothing, so the caller can tell it raced.
    Rows come back in the order written, as Django's own bulk_create assumes. `now` fills
    auto_now fields (and values that are this very object are adapted once).
    """
    if not rows:
        return []
    cols, now = _columns_of(model, connection.vendor), now or timezone.now()
    names = ", ".join(column for _a, column, _ad, _d in cols)
    marks = "(" + ", ".join([mark()] * len(cols)) + ")"
    tail = f" ON CONFLICT ({_quote(conflict)}) DO NOTHING" if conflict else ""
    back = f" RETURNING {', '.join(map(_quote, returning))}" if returning else ""
    result = []
    encode = _encoder(cols, now)
    with cursor() as raw:
        for part in chunks(rows, max(1, max_params() // len(cols))):
            params = [value for row in part for value in encode(row)]
            values = ", ".join([marks] * len(part))
            raw.execute(f"INSERT INTO {table(model)} ({names}) VALUES {values}{tail}{back}", params)
            if returning:
                result += raw.fetchall()
    return result


def update(model, rows, fields, now=None):
    """UPDATE each row (a dict with "id" and `fields` by attname) in one executemany."""
    if not rows:
        return
    cols = [c for c in _columns_of(model, connection.vendor) if c[0] in fields]
    sets = ", ".join(f"{column} = {mark()}" for _a, column, _ad, _d in cols)
    encode = _encoder(cols, now or timezone.now())
    with cursor() as raw:
        raw.executemany(f"UPDATE {table(model)} SET {sets} WHERE {_quote('id')} = {mark()}",
                        [[*encode(row), row["id"]] for row in rows])


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
