"""A GIN index on `title || body` of Wagtail's search index entries, on PostgreSQL.

The PostgreSQL backend matches `(title || body) @@ query`, and modelsearch's model says a SQL
migration creates an index on that expression, but none does: every search read every entry's
vectors (150 ms at 10,000 articles). The table is Wagtail's; the index lives here because this
app is what searches it (`postgres_ranking.py`). SQLite searches its FTS5 table instead.
"""

from django.db import migrations

INDEX = "search_indexentry_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
