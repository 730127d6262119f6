from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epitope.core"
    label = "core"

    def ready(self):
        from .signal_handlers import register  # here: models are ready only now

        register()
