"""Send what is due, once per subscriber per issue, safely rerunnable after an interruption.

Each send goes claim → send → mark sent, with a `Delivery(subscriber, issue_key)` row whose
unique constraint makes the claim atomic:

- A rerun skips rows marked sent (or empty), so a finished send is never repeated.
- If SMTP refuses a message, the row is marked failed and the run stops (the server is
  likely down); the next run retries failed rows straight away.
- If the process dies between the server accepting a message and our UPDATE, the row stays
  "claimed". We cannot know whether that mail left, so a rerun leaves it alone until
  CLAIM_TIMEOUT has passed, then sends it again.

That makes the send at-most-once within the timeout and at-least-once after it. We chose a
rare duplicate (only a crash in the milliseconds between SMTP's 250 and the commit) over a
silently lost issue; a shorter timeout than a run's length would risk a concurrent worker
duplicating, so it is kept well above one run.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from epitope.topics.taxonomy import topic_tree

from . import digest as digests
from .models import Delivery, Subscriber

logger = logging.getLogger("epitope.newsletter")

CLAIM_TIMEOUT = datetime.timedelta(hours=1)


class DeliveryError(Exception):
    """The mail server refused a digest; what was sent stays recorded, rerun to go on."""

    def __init__(self, message, report=None):
        super().__init__(message)
        self.report = report  # what this run did before it stopped


@dataclass
class Report:
    issue_key: str
    sent: int = 0
    empty: int = 0
    skipped: int = 0

    def __str__(self):
        return (
            f"{self.issue_key}: {self.sent} sent, {self.empty} with nothing new, "
            f"{self.skipped} already done"
        )

    def as_dict(self):
        return {"issue": self.issue_key, "sent": self.sent, "empty": self.empty, "skipped": self.skipped}


def due_subscribers(frequency):
    return (
        Subscriber.objects.filter(
            subscriptions__frequency=frequency,
            subscriptions__confirmed_at__isnull=False,
            subscriptions__unsubscribed_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


def claim(subscriber, issue_key, now):
    """Return the Delivery row this run may send, or None if it is done or in another's hands."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(subscriber=subscriber, issue_key=issue_key, claimed_at=now)
    except IntegrityError:
        pass
    existing = Delivery.objects.get(subscriber=subscriber, issue_key=issue_key)
    retryable = existing.status == Delivery.FAILED or (
        existing.status == Delivery.CLAIMED and existing.claimed_at <= now - CLAIM_TIMEOUT
    )
    if not retryable:
        return None
    # Conditional update: of two runs taking over the same row, only one matches.
    taken = Delivery.objects.filter(
        pk=existing.pk, status=existing.status, claimed_at=existing.claimed_at
    ).update(status=Delivery.CLAIMED, claimed_at=now, attempts=existing.attempts + 1, error="")
    if not taken:
        return None
    existing.refresh_from_db()
    return existing


def send_due(frequency, now=None, connection=None):
    """Send the latest complete `frequency` issue to everyone who has not had it; return a Report."""
    now = now or timezone.now()
    issue = digests.issue_for(frequency, now)
    report = Report(issue.key)
    tree = topic_tree()
    connection = connection or get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"newsletter: cannot reach the mail server ({exc}); nothing was sent", report) from exc
    with connection:
        for subscriber in due_subscribers(frequency):
            delivery = claim(subscriber, issue.key, now)
            if delivery is None:
                report.skipped += 1
                continue
            digest = digests.build_digest(subscriber, issue, tree)
            if digest.is_empty:
                _mark(delivery, Delivery.EMPTY)
                report.empty += 1
                continue
            try:
                digests.render_message(digest, connection=connection).send()
            except (smtplib.SMTPException, OSError) as exc:
                _mark(delivery, Delivery.FAILED, error=str(exc)[:500])
                logger.error("newsletter: %s to subscriber %s failed: %s", issue.key, subscriber.pk, exc)
                raise DeliveryError(f"newsletter: mail server refused a digest ({exc}); {report}", report) from exc
            _mark(delivery, Delivery.SENT, article_count=digest.article_count, sent_at=timezone.now())
            report.sent += 1
    logger.info("newsletter: %s", report)
    return report


def _mark(delivery, status, **fields):
    Delivery.objects.filter(pk=delivery.pk).update(status=status, **fields)
