# A claim names its holder, so the next start frees the claim of a process that has ended (`scheduling.free_dead_claims`).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0012_cluster_centre'),
    ]

    operations = [
        migrations.AddField(
            model_name='source',
            name='claimed_by',
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
    ]
