"""Link keys unique, with a random default for new rows (0002 filled the existing ones)."""

from django.db import migrations, models

import epitope.newsletter.models


class Migration(migrations.Migration):

    dependencies = [
        ("newsletter", "0002_link_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subscriber",
            name="link_key",
            field=models.CharField(
                default=epitope.newsletter.models.new_link_key, editable=False, max_length=32, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="link_key",
            field=models.CharField(
                default=epitope.newsletter.models.new_link_key, editable=False, max_length=32, unique=True
            ),
        ),
    ]
