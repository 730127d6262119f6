"""Ingest's raw SQL, one module per table, for the pipeline's hot path and its bulk writes.

- `items`, `clusters`, `cluster_keys`, `host_paces`: the statements on each table, as named
  functions the pipeline, clustering and pacing call;
- `rows`: plain dicts of any model in and out without a model instance per row (classify's
  storage writes its tables with it too);
- `sql`: the plumbing they share (the driver's own cursor, its marks, quoting, chunked IN lists).

The SQL runs unchanged on SQLite ≥ 3.35 and PostgreSQL. The plumbing is importable from here as
well, for other apps' few statements on these tables.
"""

from .sql import chunks, cursor, mark, max_params, native_marks, quote, select_in, table

__all__ = ["chunks", "cursor", "mark", "max_params", "native_marks", "quote", "select_in", "table"]
