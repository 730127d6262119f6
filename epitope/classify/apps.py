from django.apps import AppConfig


class ClassifyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epitope.classify"
    label = "classify"

    def ready(self):
        from .signal_handlers import register  # receivers import models: only once apps are ready

        register()
