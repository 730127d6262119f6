# Cluster keys become 63-bit integers with one index, and MinHash signatures a cheaper hash:
# stored keys and signatures are recomputed from the items themselves.

from django.db import migrations, models


def clear_keys(apps, schema_editor):
    apps.get_model("ingest", "ClusterKey").objects.all().delete()


def rekey(apps, schema_editor):
    # Uses the live dedupe functions on purpose: keys must be what the pipeline computes today.
    from epitope.ingest import dedupe

    Item = apps.get_model("ingest", "Item")
    ClusterKey = apps.get_model("ingest", "ClusterKey")
    last = 0
    while True:
        items = list(Item.objects.filter(pk__gt=last).order_by("pk")
                     .only("pk", "title", "summary", "link", "identifiers")[:2000])
        if not items:
            return
        keys = []
        for item in items:
            sig, stored, _lookup = dedupe.plan_keys(item.title, item.summary, item.link, item.identifiers)
            item.minhash = dedupe.pack(sig)
            keys += [ClusterKey(key=key, item_id=item.pk) for key in stored]
        Item.objects.bulk_update(items, ["minhash"], batch_size=500)
        ClusterKey.objects.bulk_create(keys, batch_size=2000)
        last = items[-1].pk


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
