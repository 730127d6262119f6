"""Drop Cluster's one-column `last_seen` and `source_count` indexes.

Each leads the composite index of a leads order (`ingest_cluster_newest`,
`ingest_cluster_covered`), which serves any query by it; the two were rewritten, as every
cluster index is, whenever an ingested item grows a story. Dropped by name as the database
reports them, as in 0009, so that SQLite does not copy the cluster table.
"""

import django.utils.timezone
from django.db import migrations, models

from epitope.core.schema import add_one_column_indexes, drop_one_column_indexes

COLUMNS = ("last_seen", "source_count")


def drop(apps, schema_editor):
    drop_one_column_indexes(schema_editor, "ingest_cluster", COLUMNS)


def create(apps, schema_editor):
    add_one_column_indexes(schema_editor, apps.get_model("ingest", "Cluster"), COLUMNS)


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
