"""Drop the classifier's one-column indexes no query uses.

StoredClassification: content_type (the unique (content_type, object_id) index leads with it)
and relevance (nothing orders or filters by it). ClassifiedConcept: content_type and concept
(every query names content type, facet and concept: `classify_concept_members` and the unique
index lead with the content type), with PostgreSQL's varchar_pattern_ops twin of concept.
Each was a page more to write per item an ingest run classifies. Dropped by name as the
database reports them, so that SQLite does not copy the tables (ingest 0009).
"""

import django.db.models.deletion
from django.db import migrations, models

from epitope.core.schema import add_one_column_indexes, drop_one_column_indexes

DROPPED = {  # model: (columns, PostgreSQL pattern twins)
    "StoredClassification": (("content_type_id", "relevance"), ()),
    "ClassifiedConcept": (("content_type_id", "concept"), ()),
}


def drop(apps, schema_editor):
    for model_name, (columns, twins) in DROPPED.items():
        drop_one_column_indexes(schema_editor, apps.get_model("classify", model_name)._meta.db_table, columns, twins)


def create(apps, schema_editor):
    for model_name, (columns, twins) in DROPPED.items():
        fields = [column.removesuffix("_id") for column in columns]
        add_one_column_indexes(schema_editor, apps.get_model("classify", model_name), fields, twins)


class Migration(migrations.Migration):

    dependencies = [
        ('classify', '0003_classifiedconcept_members_index'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name='classifiedconcept',
                    name='concept',
                    field=models.SlugField(db_index=False, max_length=80),
                ),
                migrations.AlterField(
                    model_name='classifiedconcept',
                    name='content_type',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype'),
                ),
                migrations.AlterField(
                    model_name='storedclassification',
                    name='content_type',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype'),
                ),
                migrations.AlterField(
                    model_name='storedclassification',
                    name='relevance',
                    field=models.FloatField(default=0.0),
                ),
    
            ],
        ),
    ]
