"""Modality and cancer type as facets, read from the classification app's stored concepts.

The classifier stores each article's concepts *with their ancestors* (a CAR-T story is also a
cell-therapy story), so filtering on a broad concept finds the narrow ones too.
"""

from django.db.models import Count

from .facets import Facet, UnknownValue


class ConceptFacet(Facet):
    def __init__(self, facet, param, label):
        self.facet, self.param, self.label = facet, param, label

    def _vocabulary(self):
        from epitope.topics.taxonomy import vocabulary

        return vocabulary()  # kept per process until an editor's term changes

    def choices(self):
        # A generic concept (a CAR of unstated cell type) is never stored as a tag: offering it
        # as a filter would always find nothing.
        concepts = [c for c in self._vocabulary().concepts.values() if c.facet == self.facet and not c.resolves_to]
        return sorted(((c.id, c.label) for c in concepts), key=lambda pair: pair[1].lower())

    def apply(self, qs, value):
        from epitope.classify.store import facet_filter

        concept = self._vocabulary().concepts.get(value)
        if concept is None or concept.facet != self.facet:
            raise UnknownValue(f"Unknown {self.label.lower()} {value!r}.")
        return facet_filter(qs, self.facet, value)

    def _rows(self, model):
        from django.contrib.contenttypes.models import ContentType

        from epitope.classify.models import ClassifiedConcept

        return ClassifiedConcept.objects.filter(content_type=ContentType.objects.get_for_model(model), facet=self.facet)

    def counts(self, qs):
        rows = self._rows(qs.model).filter(object_id__in=qs.order_by().values("pk"))
        return {row["concept"]: row["n"] for row in rows.values("concept").annotate(n=Count("object_id"))}

    def terms_for(self, article):
        """Return (concept, label) pairs the article carries, for schema.org `about`."""
        vocabulary = self._vocabulary()
        return [(c, vocabulary.label(c)) for facet, c in article_concepts(article) if facet == self.facet]


def article_concepts(article):
    """Return the article's sorted (facet, concept) pairs, every facet's at once.

    An article page asks once per facet (its JSON-LD `about`): one query, compiled once per
    article and server thread (`pagecache.prepared`) and kept on the page object for the request,
    answers them all. The unique (content type, object, facet, concept) index covers it.
    """
    held = article.__dict__.get("_epitope_concepts")
    if held is None:
        from django.contrib.contenttypes.models import ContentType

        from epitope.classify.models import ClassifiedConcept
        from epitope.pagecache import prepared

        content_type = ContentType.objects.get_for_model(type(article)).pk
        key = ("concept-terms", content_type, article.pk)
        held = article._epitope_concepts = sorted(prepared.fetch(key, lambda: ClassifiedConcept.objects.filter(
            content_type=content_type, object_id=article.pk).values_list("facet", "concept")))
    return held


def classification_facets():
    return [
        ConceptFacet("modality", "modality", "Modality"),
        ConceptFacet("cancer_type", "cancer_type", "Cancer type"),
    ]
