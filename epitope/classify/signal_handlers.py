"""Classify article pages when saved or published, ingested items when saved, and again when an
editor corrects a tag. A failure is logged, never allowed to stop the save itself."""

import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published

from epitope import pagecache
from epitope.pagecache import cache

from .inputs import INPUTS
from .models import TagCorrection, VocabularyTerm
from .store import store_classification

logger = logging.getLogger("epitope.classify")


def _classify(instance):
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the caller's transaction usable
            store_classification(instance)
    except Exception:  # an editor's save must not fail because tagging did
        logger.exception("classify: could not classify %s %s", instance._meta.label_lower, instance.pk)


def on_saved(sender, instance, raw=False, **kwargs):
    if raw or instance._meta.label_lower not in INPUTS:
        return
    if getattr(instance, "live", False) and getattr(instance, "has_unpublished_changes", False):
        return  # a draft of a live page: readers still see (and filter by) the published text
    _classify(instance)


def on_published(sender, instance, **kwargs):
    _classify(instance.specific if hasattr(instance, "specific") else instance)


def on_correction(sender, instance, raw=False, **kwargs):
    target = instance.target
    if not raw and target is not None:
        _classify(getattr(target, "specific", target))


def on_vocabulary_changed(sender, instance, **kwargs):
    pagecache.purge({cache.VOCABULARY})  # the vocabulary hubs keep (topics.concept_filters.vocabulary)


def register():
    for label in INPUTS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(on_saved, sender=model, dispatch_uid=f"epitope_classify_{label}")
        if label == "articles.articlepage":
            page_published.connect(on_published, sender=model, dispatch_uid="epitope_classify_published")
    post_save.connect(on_correction, sender=TagCorrection, dispatch_uid="epitope_classify_correction")
    post_save.connect(on_vocabulary_changed, sender=VocabularyTerm, dispatch_uid="epitope-memo-vocabulary-saved")
    post_delete.connect(on_vocabulary_changed, sender=VocabularyTerm, dispatch_uid="epitope-memo-vocabulary-deleted")
