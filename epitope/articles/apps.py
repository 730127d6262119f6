from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epitope.articles"
    label = "articles"

    def ready(self):
        from .signal_handlers import register  # here: models are ready only now

        register()
