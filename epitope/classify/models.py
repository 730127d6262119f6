"""Editors' additions to the vocabulary, their corrections, and stored classifications.

Thin on purpose: the logic lives in `editorial.py` (loading terms, applying corrections) and
`tagger.py`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet

from .vocabulary import VocabularyError, load_vocabulary, merge_term, validate

FACET_CHOICES = [
    ("modality", "Therapy modality"),
    ("cancer_type", "Cancer type"),
    ("target", "Target / antigen"),
    ("indication", "Non-cancer indication"),
    ("evidence", "Evidence"),
    ("cue", "Relevance cue (not shown)"),
    ("block", "Block phrase (never tagged)"),
]


@register_snippet
class VocabularyTerm(models.Model):
    """A synonym an editor adds to a concept (or a new concept, when the id is new)."""

    facet = models.CharField(max_length=20, choices=FACET_CHOICES)
    concept = models.SlugField(max_length=80, help_text="Concept id, e.g. car-t, nsclc, cd19 (new ids make new concepts).")
    synonym = models.CharField(max_length=200, help_text="Words that name the concept, e.g. “CAR-T19”.")
    label = models.CharField(max_length=120, blank=True, help_text="Label for a new concept.")
    parent = models.SlugField(max_length=80, blank=True, help_text="Parent concept id for a new concept.")
    case_sensitive = models.BooleanField(default=False, help_text="Match with this exact case (abbreviations such as “ALL”).")

    panels = [FieldPanel("facet"), FieldPanel("concept"), FieldPanel("synonym"), FieldPanel("label"),
              FieldPanel("parent"), FieldPanel("case_sensitive")]

    class Meta:
        ordering = ["facet", "concept", "synonym"]
        constraints = [models.UniqueConstraint(fields=["facet", "concept", "synonym"], name="classify_term_unique")]

    def __str__(self):
        return f"{self.synonym} → {self.facet}:{self.concept}"

    def clean(self):
        """Refuse a term that would clash with the vocabulary, naming the clash."""
        others = [t.as_term() for t in VocabularyTerm.objects.exclude(pk=self.pk)]
        vocab = load_vocabulary(others)
        try:
            merge_term(vocab, self.as_term())
            validate(vocab)
        except VocabularyError as exc:
            raise ValidationError(str(exc).removeprefix("vocabulary: ")) from None

    def as_term(self) -> dict:
        return {"facet": self.facet, "concept": self.concept, "synonym": self.synonym,
                "label": self.label, "parent": self.parent, "case_sensitive": self.case_sensitive}


@register_snippet
class TagCorrection(models.Model):
    """An editor's add or remove of one tag on one object; it wins over the classifier."""

    ADD, REMOVE = "add", "remove"
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    facet = models.CharField(max_length=20, choices=FACET_CHOICES)
    concept = models.SlugField(max_length=80)
    action = models.CharField(max_length=6, choices=[(ADD, "Add"), (REMOVE, "Remove")])
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("content_type"), FieldPanel("object_id"), FieldPanel("facet"), FieldPanel("concept"),
              FieldPanel("action"), FieldPanel("note")]

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.action} {self.facet}:{self.concept} on {self.content_type_id}/{self.object_id}"


class StoredClassification(models.Model):
    """The latest classification of one object (an article page, an ingested item), as JSON.

    `concepts` is a flat list of "facet:concept" strings (ancestors included) so hubs can filter
    with a simple containment lookup; `data` keeps the tags with their evidence spans.
    """

    # No one-column indexes: the unique (content_type, object_id) one serves every lookup, and
    # nothing orders or filters by relevance here (leads read their cluster's); each index
    # is a page more to write per item an ingest run classifies.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    relevance = models.FloatField(default=0.0)
    relevant = models.BooleanField(default=False)
    evidence_badge = models.CharField(max_length=60, blank=True)
    concepts = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    vocabulary_version = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="classify_stored_unique")]

    def __str__(self):
        return f"classification of {self.content_type_id}/{self.object_id}"


class ClassifiedConcept(models.Model):
    """One "facet:concept" an object carries (ancestors included), for hub filters.

    Rows rather than a JSON list because SQLite cannot search inside JSON lists; object ids are
    integers so a hub can filter its queryset with a plain `pk__in` subquery.
    """

    # No one-column indexes: every query names the content type, and the two below lead with it.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    facet = models.CharField(max_length=20)
    concept = models.SlugField(max_length=80, db_index=False)

    class Meta:
        # object_id last: `facet_filter`'s subquery (the ids tagged facet:concept) reads the
        # index alone (the 20,000 relevant items of the 1M benchmark: 30 -> 4 ms on SQLite).
        # A hub's facet counts do not use it once the planner has statistics: probing the
        # unique index per article is the cheaper plan there (bench/README.md, Scale).
        indexes = [models.Index(fields=["content_type", "facet", "concept", "object_id"], name="classify_concept_members")]
        constraints = [models.UniqueConstraint(
            fields=["content_type", "object_id", "facet", "concept"], name="classify_concept_unique",
        )]

    def __str__(self):
        return f"{self.facet}:{self.concept} on {self.content_type_id}/{self.object_id}"


class Judgement(models.Model):
    """An editor's word on whether one object (an article page, an ingested item) is cancer
    immunology. It wins over the classifier's relevance and teaches the next trained model.

    `title` and `text` keep what was judged (as the classifier read it), so the example still
    trains the model if the object is later deleted.
    """

    # No one-column content_type index: the unique (content_type, object_id) one leads with it.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    relevant = models.BooleanField()
    title = models.TextField(blank=True)
    text = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="classify_judgement_unique")]

    def __str__(self):
        return f"{'relevant' if self.relevant else 'not relevant'}: {self.content_type_id}/{self.object_id}"
