# A story's centre is the signature of the item it started with (`Cluster.centre`): near-duplicates
# must be close to it to join. Stories stored before take their oldest item with a signature.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_centres(apps, schema_editor):
    Cluster, Item = apps.get_model("ingest", "Cluster"), apps.get_model("ingest", "Item")
    first = Item.objects.filter(cluster_id=OuterRef("pk"), minhash__isnull=False).order_by("pk").values("minhash")[:1]
    Cluster.objects.update(centre=Subquery(first))


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0011_rekey_own_site_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="cluster",
            name="centre",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_centres, migrations.RunPython.noop),
    ]
