"""Rows of any model in and out as plain dicts, without a model instance per row.

The ORM's bulk_create prepares every value of every field through several layers, which cost
more than SQLite's write itself when ingesting thousands of items. `insert` and `update` take
plain dicts keyed by field attname, fill in the model's defaults for fields left out (so columns
added by later migrations still get their values) and adapt values once per type. The table
modules beside this one (`items`, `clusters`, and classify's storage) call them.
"""

from __future__ import annotations

import functools
import json

import orjson
from django.db import connection, models
from django.utils import timezone

from .sql import chunks, cursor, mark, max_params, quote, table


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
        cols.append((field.attname, quote(field.column), kind and (kind, getattr(field, "encoder", None)), default))
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


def insert_rows(model, rows, returning=("id",), conflict=None, now=None):
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
    tail = f" ON CONFLICT ({quote(conflict)}) DO NOTHING" if conflict else ""
    back = f" RETURNING {', '.join(map(quote, returning))}" if returning else ""
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


def update_rows(model, rows, fields, now=None):
    """UPDATE each row (a dict with "id" and `fields` by attname) in one executemany."""
    if not rows:
        return
    cols = [c for c in _columns_of(model, connection.vendor) if c[0] in fields]
    sets = ", ".join(f"{column} = {mark()}" for _a, column, _ad, _d in cols)
    encode = _encoder(cols, now or timezone.now())
    with cursor() as raw:
        raw.executemany(f"UPDATE {table(model)} SET {sets} WHERE {quote('id')} = {mark()}",
                        [[*encode(row), row["id"]] for row in rows])
