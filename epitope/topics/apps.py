from django.apps import AppConfig


class TopicsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epitope.topics"
    label = "topics"

    def ready(self):
        from .signal_handlers import register  # here: models are ready only now

        register()
