"""Worker tasks: the worker's schedule enqueues `send_digests` (weekly every Monday, daily every morning)."""

from django.utils.dateparse import parse_datetime
from django_tasks import task

from . import delivery, subscribe


@task()
def send_digests(frequency="weekly", now=None):
    """Send the due digests of `frequency`; return the run's report as text."""
    when = parse_datetime(now) if now else None
    subscribe.purge_unconfirmed(when)
    return str(delivery.send_due(frequency, now=when))
