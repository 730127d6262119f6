"""`epitope send-digests`: send the latest complete digest issue to everyone still owed it."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from django.utils import timezone

from epitope.newsletter import delivery, subscribe
from epitope.newsletter.models import FREQUENCIES, WEEKLY


class Command(BaseCommand):
    help = "Send due newsletter digests. Safe to rerun: nobody gets the same issue twice."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=[value for value, _ in FREQUENCIES], default=WEEKLY)
        parser.add_argument("--now", help="ISO date-time to act as the current time (backfills, tests).")

    def handle(self, *args, frequency, now=None, **options):
        when = timezone.now()
        if now:
            when = parse_datetime(now) or parse_datetime(now + "T00:00:00")
            if when is None:
                raise CommandError(f"--now: not an ISO date-time: {now!r}")
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        subscribe.purge_unconfirmed(when)
        try:
            report = delivery.send_due(frequency, now=when)
        except delivery.DeliveryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(report))
