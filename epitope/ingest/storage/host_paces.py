"""SQL of the `HostPace` table: one atomic upsert that reserves a host's next request slot."""

from __future__ import annotations

from django.db import connection

from ..models import HostPace
from .sql import table

# Seconds since the epoch by the database's clock, and the larger of two numbers, per backend.
_NOW = {"postgresql": "EXTRACT(EPOCH FROM clock_timestamp())::float8",
        "sqlite": "((julianday('now') - 2440587.5) * 86400.0)"}
_GREATEST = {"postgresql": "GREATEST", "sqlite": "max"}


def reserve(host, interval):
    """Take the next slot for `host` and move the host's next slot `interval` seconds later;
    return the seconds (by the database's clock) until the slot taken, negative if it is past."""
    paces = table(HostPace)
    now, greatest = _NOW.get(connection.vendor), _GREATEST.get(connection.vendor)
    if now is None:
        raise NotImplementedError(f"pacing: no shared pace on {connection.vendor}")
    # One statement: PostgreSQL locks the row for the upsert, SQLite the whole database, so two
    # processes can never take the same slot.
    sql = (f"INSERT INTO {paces} (host, next_at) VALUES (%s, {now} + %s) "
           f"ON CONFLICT (host) DO UPDATE SET next_at = {greatest}({paces}.next_at, {now}) + %s "
           f"RETURNING next_at - %s - {now}")
    with connection.cursor() as raw:
        raw.execute(sql, [host, interval, interval, interval])
        (wait,) = raw.fetchone()
    return float(wait)
