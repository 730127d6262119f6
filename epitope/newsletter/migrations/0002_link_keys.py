"""Random link keys for subscribers and subscriptions: mailed links name rows by these, not by
primary key or address. Added nullable, filled one random value per row, then made unique
(a callable default in AddField would give every existing row the same value). The last step is
0003: on PostgreSQL, altering a table after updating its rows in the same transaction fails."""

from django.db import migrations, models

import epitope.newsletter.models


def fill_link_keys(apps, schema_editor):
    for name in ("Subscriber", "Subscription"):
        model = apps.get_model("newsletter", name)
        for row in model.objects.filter(link_key__isnull=True).only("pk").iterator():
            model.objects.filter(pk=row.pk).update(link_key=epitope.newsletter.models.new_link_key())


class Migration(migrations.Migration):

    dependencies = [
        ("newsletter", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="link_key",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="link_key",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill_link_keys, migrations.RunPython.noop),
    ]
