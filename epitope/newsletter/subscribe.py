"""Subscribing, confirming, unsubscribing and erasing: plain functions the views call.

Whatever the address's state, `subscribe` behaves the same from the outside (one mail at
most, same return value), so the form cannot be used to find out who reads Epitope.
"""

import datetime
import json
import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import emails
from .models import Subscriber, Subscription

logger = logging.getLogger("epitope.newsletter")

# At most one mail per address per this many seconds, so the form cannot mail-bomb anyone.
MAIL_THROTTLE_SECONDS = 60
UNCONFIRMED_RETENTION = datetime.timedelta(days=7)


def subscribe(email, topics, filters=None, frequency="weekly", name=""):
    """Record a pending subscription (or find the matching one) and mail the address.

    A new subscription is confirmed by the link in the mail; an address that already has
    the same subscription gets its manage link instead. The caller learns nothing either way.
    """
    filters = filters or {}
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={"name": name})
        topic_ids = sorted(t.pk for t in topics)
        subscription = _matching(subscriber, topic_ids, filters, frequency)
        if subscription is None or subscription.unsubscribed_at is not None:
            subscription = Subscription.objects.create(
                subscriber=subscriber, filters=filters, frequency=frequency
            )
            subscription.topics.set(topic_ids)
    # Mail outside the transaction: a slow SMTP server must not hold the database write lock.
    throttle_key = f"epitope:newsletter:mailed:{subscriber.pk}"
    if not cache.add(throttle_key, 1, MAIL_THROTTLE_SECONDS):
        logger.info("newsletter: not mailing subscriber %s again so soon", subscriber.pk)
        return
    try:
        if subscription.is_active:
            emails.send_already_subscribed(subscription)
        else:
            emails.send_confirmation(subscription)
    except Exception:
        cache.delete(throttle_key)  # let the reader try again straight away
        raise


def _matching(subscriber, topic_ids, filters, frequency):
    for candidate in subscriber.subscriptions.filter(frequency=frequency).order_by("-pk"):
        if candidate.filters == filters and sorted(t.pk for t in candidate.topics.all()) == topic_ids:
            return candidate
    return None


def confirm(subscription, now=None):
    if subscription.confirmed_at is None or subscription.unsubscribed_at is not None:
        subscription.confirmed_at = now or timezone.now()
        subscription.unsubscribed_at = None
        subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscription


def unsubscribe(subscriptions, now=None):
    """Unsubscribe from every subscription given; return how many were active."""
    return subscriptions.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=now or timezone.now())


def revoke_links(subscriber):
    """Invalidate every unsubscribe/manage link sent so far, then mail a fresh manage link."""
    Subscriber.objects.filter(pk=subscriber.pk).update(secret_version=subscriber.secret_version + 1)
    subscriber.refresh_from_db()
    emails.send_manage_link(subscriber)


def export(subscriber):
    """Return everything Epitope holds about a subscriber as a JSON-ready dict."""
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "created_at": subscriber.created_at.isoformat(),
        "subscriptions": [
            {
                "topics": [t.name for t in s.topics.all()],
                "filters": s.filters,
                "frequency": s.frequency,
                "created_at": s.created_at.isoformat(),
                "confirmed_at": s.confirmed_at and s.confirmed_at.isoformat(),
                "unsubscribed_at": s.unsubscribed_at and s.unsubscribed_at.isoformat(),
            }
            for s in subscriber.subscriptions.prefetch_related("topics")
        ],
        "deliveries": [
            {"issue": d.issue_key, "status": d.status, "sent_at": d.sent_at and d.sent_at.isoformat()}
            for d in subscriber.deliveries.order_by("claimed_at")
        ],
    }


def export_json(subscriber):
    return json.dumps(export(subscriber), indent=2, ensure_ascii=False)


def erase(subscriber):
    """Delete the subscriber with their subscriptions and delivery records."""
    logger.info("newsletter: erased subscriber %s on request", subscriber.pk)
    subscriber.delete()


def purge_unconfirmed(now=None):
    """Delete subscriptions never confirmed within a week, and addresses left with none."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_RETENTION
    stale = Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    count, _ = stale.delete()
    Subscriber.objects.filter(subscriptions__isnull=True, created_at__lt=cutoff).delete()
    return count
