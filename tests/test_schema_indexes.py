"""The index clean-up migrations' helper, on the database the suite runs on (SQLite or PostgreSQL)."""

import pytest
from django.db import connection

from epitope.core.schema import drop_one_column_indexes

TABLE = "schema_probe"


def indexes():
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TABLE)
    return {name for name, info in found.items() if info["index"] and not info["primary_key"]}


@pytest.fixture
def probe():
    statements = [
        f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, a varchar(20), b integer, c varchar(20))",
        f"CREATE INDEX {TABLE}_a ON {TABLE} (a)",
        f"CREATE INDEX {TABLE}_b ON {TABLE} (b)",
        f"CREATE INDEX {TABLE}_ab ON {TABLE} (a, b)",
        f"CREATE UNIQUE INDEX {TABLE}_c ON {TABLE} (c)",
    ]
    if connection.vendor == "postgresql":  # what Django adds beside a varchar index there
        statements += [f"CREATE INDEX {TABLE}_a_like ON {TABLE} (a varchar_pattern_ops)",
                       f"CREATE INDEX {TABLE}_c_like ON {TABLE} (c varchar_pattern_ops)"]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {TABLE} (id, a, b, c) VALUES (1, 'x', 2, 'y')")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


@pytest.mark.django_db(transaction=True)
def test_only_the_named_one_column_indexes_and_pattern_twins_go(probe):
    with connection.schema_editor(atomic=False) as editor:
        drop_one_column_indexes(editor, TABLE, columns=("a",), pattern_twins=("c",))
    left = indexes()
    assert f"{TABLE}_a" not in left and f"{TABLE}_a_like" not in left and f"{TABLE}_c_like" not in left
    # Indexes on other columns, several columns, and unique ones stay, and so do the rows.
    assert {f"{TABLE}_b", f"{TABLE}_ab"} <= left
    assert any(name.startswith(f"{TABLE}_c") for name in left)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a, b, c FROM {TABLE}")
        assert cursor.fetchall() == [("x", 2, "y")]
        with pytest.raises(Exception):  # still unique
            cursor.execute(f"INSERT INTO {TABLE} (id, a, b, c) VALUES (2, 'z', 3, 'y')")


@pytest.mark.django_db(transaction=True)
def test_dropping_twice_is_harmless(probe):
    with connection.schema_editor(atomic=False) as editor:
        drop_one_column_indexes(editor, TABLE, columns=("a", "b"))
        drop_one_column_indexes(editor, TABLE, columns=("a", "b"))
    assert f"{TABLE}_ab" in indexes() and f"{TABLE}_b" not in indexes()
