# Cluster keys become 63-bit integers with one index, and MinHash signatures a cheaper hash:
# stored keys and signatures are recomputed from the items themselves.

from django.db import migrations, models


def clear_keys(apps, schema_editor):
    apps.get_model("ingest", "ClusterKey").objects.all().delete()


def rekey(apps, schema_editor):
    # The live dedupe code on purpose: keys must be what the pipeline computes today.
    from epitope.ingest import clusters

    clusters.rekey(apps.get_model("ingest", "Item"), apps.get_model("ingest", "ClusterKey"))


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0004_cluster_relevance"),
    ]

    operations = [
        migrations.RunPython(clear_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="clusterkey",
            name="key",
            field=models.BigIntegerField(),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
