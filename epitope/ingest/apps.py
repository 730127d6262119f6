from django.apps import AppConfig


class IngestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epitope.ingest"
    label = "ingest"
    verbose_name = "Ingestion"

    def ready(self):
        from . import signal_handlers  # noqa: F401 (receivers import models: only once apps are ready)
