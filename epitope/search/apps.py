from django.apps import AppConfig, apps


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epitope.search"
    label = "search"

    def ready(self):
        # Modality and cancer type exist only where the classifier runs; elsewhere listings
        # offer type and topic alone.
        if apps.is_installed("epitope.classify"):
            from . import facets
            from .concept_facets import classification_facets

            for facet in classification_facets():
                if facet.param not in {f.param for f in facets.all_facets()}:
                    facets.register(facet)
