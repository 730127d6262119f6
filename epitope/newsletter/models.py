"""Subscribers, their subscriptions and the record of every digest delivered to them.

Models stay thin: subscribing, tokens and sending live in `subscribe.py`, `tokens.py` and
`delivery.py`.
"""

import secrets

from django.db import models
from django.utils import timezone

def new_link_key():
    """Return a random key that names a row in mailed links (tokens.py) without revealing anything."""
    return secrets.token_urlsafe(16)


WEEKLY, DAILY = "weekly", "daily"
FREQUENCIES = ((WEEKLY, "Weekly"), (DAILY, "Daily"))


class Subscriber(models.Model):
    """One email address. Everything we hold about a reader hangs off this row."""

    email = models.EmailField(unique=True, help_text="Stored lower-cased, so one row per address.")
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Bumping this revokes every unsubscribe/manage link sent so far (see tokens.py).
    secret_version = models.PositiveIntegerField(default=1)
    # What links name the subscriber by: random, unlike the primary key or the address.
    link_key = models.CharField(max_length=32, unique=True, default=new_link_key, editable=False)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def active_subscriptions(self):
        return self.subscriptions.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscription(models.Model):
    """A digest of one or more topics (descendants included), optionally narrowed by facets.

    `filters` holds the hub facet filter the reader subscribed from, e.g. {"type": "news"};
    topics are a relation rather than slugs in `filters` so renaming a topic keeps them.
    """

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    topics = models.ManyToManyField("topics.Topic", related_name="subscriptions")
    filters = models.JSONField(default=dict, blank=True)
    frequency = models.CharField(max_length=10, choices=FREQUENCIES, default=WEEKLY)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    link_key = models.CharField(max_length=32, unique=True, default=new_link_key, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.subscriber} – {self.describe()}"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def describe(self):
        """Return what this subscription covers in words, e.g. "Cancer immunology (news only)"."""
        names = ", ".join(t.name for t in self.topics.all()) or "No topic"
        article_type = self.filters.get("type")
        return f"{names} ({article_type} only)" if article_type else names


class Delivery(models.Model):
    """One digest issue for one subscriber: claimed before sending, marked once sent.

    The unique constraint is what makes `send-digests` safe to rerun: see delivery.py.
    """

    CLAIMED, SENT, EMPTY, FAILED = "claimed", "sent", "empty", "failed"
    STATUSES = ((CLAIMED, "Claimed"), (SENT, "Sent"), (EMPTY, "Nothing to send"), (FAILED, "Failed"))

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    issue_key = models.CharField(max_length=40, help_text='e.g. "weekly:2026-11-02"')
    status = models.CharField(max_length=10, choices=STATUSES, default=CLAIMED)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    article_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "issue_key"], name="one_delivery_per_issue")
        ]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.issue_key} → {self.subscriber} ({self.status})"
