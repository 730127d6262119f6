from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds the `demo` and `generate-data` commands; no models."""

    name = "epitope.demo"
    label = "demo"
