from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epitope.pagecache"
    label = "pagecache"

    def ready(self):
        from .signal_handlers import register  # here: models are ready only now

        register()
