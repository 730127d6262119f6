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

from epitope.core.schema import add_one_column_indexes, drop_one_column_indexes

COLUMNS = ("cluster_id", "doi", "pmid", "nct")
PATTERN_TWINS = ("identity", "status")  # PostgreSQL's "<index>_like" of these


def drop(apps, schema_editor):
    drop_one_column_indexes(schema_editor, "ingest_item", COLUMNS, PATTERN_TWINS)


def create(apps, schema_editor):
    model = apps.get_model("ingest", "Item")
    add_one_column_indexes(schema_editor, model, [column.removesuffix("_id") for column in COLUMNS], PATTERN_TWINS)


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
