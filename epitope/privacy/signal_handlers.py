"""Keep the cached policy versions in step with what is live."""

import logging

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from .policies import forget_versions

logger = logging.getLogger("epitope.privacy")


def policy_page_changed(sender, instance, **kwargs):
    logger.info("privacy: policy page %s changed, forgetting cached versions", instance.pk)
    forget_versions()


def register_signal_handlers():
    from .models import PolicyPage

    page_published.connect(policy_page_changed, sender=PolicyPage, dispatch_uid="privacy-policy-published")
    page_unpublished.connect(
        policy_page_changed, sender=PolicyPage, dispatch_uid="privacy-policy-unpublished"
    )
    post_delete.connect(policy_page_changed, sender=PolicyPage, dispatch_uid="privacy-policy-deleted")
    # A moved policy page changes URL; the banner links to it.
    post_page_move.connect(policy_page_changed, sender=PolicyPage, dispatch_uid="privacy-policy-moved")
