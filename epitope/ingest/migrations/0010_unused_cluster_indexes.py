"""Drop Cluster's one-column `last_seen` and `source_count` indexes.

Each leads the composite index of a leads order (`ingest_cluster_newest`,
`ingest_cluster_covered`), which serves any query by it; the two were rewritten, as every
cluster index is, whenever an ingested item grows a story. Dropped by name as the database
reports them, as in 0009, so that SQLite does not copy the cluster table.
"""

import django.utils.timezone
from django.db import migrations, models

COLUMNS = ("last_seen", "source_count")


def drop(apps, schema_editor):
    connection = schema_editor.connection
    table = apps.get_model("ingest", "Cluster")._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, info in sorted(constraints.items()):
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] in ([c] for c in COLUMNS):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    model = apps.get_model("ingest", "Cluster")
    for column in COLUMNS:
        schema_editor.add_index(model, models.Index(fields=[column], name=f"ingest_cluster_{column}_idx"))


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0009_unused_item_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="cluster",
                    name="last_seen",
                    field=models.DateTimeField(default=django.utils.timezone.now),
                ),
                migrations.AlterField(
                    model_name="cluster",
                    name="source_count",
                    field=models.PositiveIntegerField(default=0),
                ),
            ],
        ),
    ]
