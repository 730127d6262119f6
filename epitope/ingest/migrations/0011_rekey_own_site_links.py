# A summary's links to the item's own site no longer make cluster keys (a site's related-coverage
# links are its other stories): recompute stored keys, so that a stored item's link to its own
# site does not pull that site's later stories into its cluster.

from django.db import migrations


def rekey(apps, schema_editor):
    from epitope.ingest import clusters

    clusters.rekey(apps.get_model("ingest", "Item"), apps.get_model("ingest", "ClusterKey"))


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0010_unused_cluster_indexes"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
