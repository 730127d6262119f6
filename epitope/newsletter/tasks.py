"""Worker tasks: the worker's schedule enqueues `send_digests` (weekly every Monday, daily every morning)."""

from django_tasks import task


@task()
def send_digests(frequency="weekly", now=None):
    """Send the due digests of `frequency`; return the run's report as text."""
    from django.utils.dateparse import parse_datetime

    from . import delivery, subscribe

    when = parse_datetime(now) if now else None
    subscribe.purge_unconfirmed(when)
    return str(delivery.send_due(frequency, now=when))
