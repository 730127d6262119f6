# MinHash shingles are now hashed with shifts and XOR: recompute stored signatures and keys, so
# items stored before still match their near-duplicates.

from django.db import migrations


def rekey(apps, schema_editor):
    from epitope.ingest import clusters

    clusters.rekey(apps.get_model("ingest", "Item"), apps.get_model("ingest", "ClusterKey"))


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0005_clusterkey_integer_keys"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
