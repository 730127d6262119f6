"""Schema changes that Django's migration operations make too costly on SQLite.

AlterField on SQLite copies the whole table, even when all that changes is an index. Dropping
an index needs no copy: these helpers drop indexes by the names the database reports, for
migrations that pair them with the AlterField in `SeparateDatabaseAndState`'s state.
Migrations import them, so their behaviour must not change once a migration has shipped.
"""

from django.db import models


def drop_one_column_indexes(schema_editor, table, columns=(), pattern_twins=()):
    """Drop `table`'s non-unique indexes on exactly one column of `columns`, and PostgreSQL's
    `varchar_pattern_ops` twins ("…_like") of the indexes on `pattern_twins` (the index
    itself is kept)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, info in sorted(constraints.items()):
        if not info["index"] or info["unique"] or info["primary_key"] or len(info["columns"]) != 1:
            continue
        column = info["columns"][0]
        if column in columns or (column in pattern_twins and name.endswith("_like")):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def add_one_column_indexes(schema_editor, model, fields, pattern_twins=()):
    """Undo `drop_one_column_indexes`: an index per field (under a name of ours), and the
    PostgreSQL pattern twins of `pattern_twins` (columns)."""
    table = model._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        for column in pattern_twins:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_{column}_like ON {table} ({column} varchar_pattern_ops)")
    for field in fields:
        schema_editor.add_index(model, models.Index(fields=[field], name=f"{table[:20]}_{field[:8]}_idx"))
