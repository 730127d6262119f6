# The per-host request pace every worker shares (`pacing.py`): NCBI's limit holds however many run.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0013_source_claimed_by'),
    ]

    operations = [
        migrations.CreateModel(
            name='HostPace',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('host', models.CharField(max_length=255, unique=True)),
                ('next_at', models.FloatField(default=0.0)),
            ],
        ),
    ]
