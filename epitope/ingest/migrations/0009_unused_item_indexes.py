"""Drop the Item indexes no query uses: `cluster_id` alone, `doi`, `pmid`, `nct`, and on
PostgreSQL the `varchar_pattern_ops` twins of `identity` and `status` (for LIKE 'x%', which
nothing asks of them: identities and statuses are compared whole).

Every query by cluster takes `ingest_item_cluster_status_src` (EXPLAIN on SQLite and
PostgreSQL); stories are matched on identifiers through ClusterKey rows, and the admin's search
asks for substrings. Each index was a page more to write per item ingested.

The indexes are dropped by name as the database reports them, rather than by AlterField: on
SQLite, AlterField copies the whole item table once per field (four times, at a million items).
"""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = ("cluster_id", "doi", "pmid", "nct")
PATTERN_TWINS = ("identity", "status")  # PostgreSQL's "<index>_like" of these


def drop(apps, schema_editor):
    connection = schema_editor.connection
    table = apps.get_model("ingest", "Item")._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, info in sorted(constraints.items()):
        # One-column, not unique; for COLUMNS also PostgreSQL's varchar_pattern_ops twins.
        if not info["index"] or info["unique"] or info["primary_key"] or len(info["columns"]) != 1:
            continue
        column = info["columns"][0]
        if column in COLUMNS or (column in PATTERN_TWINS and name.endswith("_like")):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    model = apps.get_model("ingest", "Item")
    if schema_editor.connection.vendor == "postgresql":
        for column in PATTERN_TWINS:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS ingest_item_{column}_like "
                                  f"ON ingest_item ({column} varchar_pattern_ops)")
    for column in COLUMNS:
        schema_editor.add_index(model, models.Index(fields=[column.removesuffix("_id")], name=f"ingest_item_{column}_idx"))


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0008_item_newest_index_postgres'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name='item',
                    name='cluster',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='items', to='ingest.cluster'),
                ),
                migrations.AlterField(
                    model_name='item',
                    name='doi',
                    field=models.CharField(blank=True, max_length=255),
                ),
                migrations.AlterField(
                    model_name='item',
                    name='nct',
                    field=models.CharField(blank=True, max_length=20),
                ),
                migrations.AlterField(
                    model_name='item',
                    name='pmid',
                    field=models.CharField(blank=True, max_length=20),
                ),
            ],
        ),
    ]
