"""`epitope send-digests [--frequency F] [--now ISO] [--json]`: send the latest complete issue to everyone owed it.

Exit status 1 when the mail server cannot be reached or refuses a digest (what was sent stays
recorded; a rerun goes on), 2 for a bad option. `--json` prints one object: frequency, issue,
sent, empty, skipped and error (null when all went well), also when the run stopped on an error.
"""

import json as json_module

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from epitope.commands import EXIT_FAILED, EXIT_USAGE
from epitope.newsletter import delivery, subscribe
from epitope.newsletter.models import FREQUENCIES, WEEKLY


class Command(BaseCommand):
    help = "Send due newsletter digests. Safe to rerun: nobody gets the same issue twice."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=[value for value, _ in FREQUENCIES], default=WEEKLY)
        parser.add_argument("--now", help="ISO date-time to act as the current time (backfills, tests).")
        parser.add_argument("--json", action="store_true", help="print one machine-readable summary")

    def handle(self, *args, frequency, now=None, json=False, **options):
        when = timezone.now()
        if now:
            when = parse_datetime(now) or parse_datetime(now + "T00:00:00")
            if when is None:
                raise CommandError(f"--now: not an ISO date-time: {now!r}", returncode=EXIT_USAGE)
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        subscribe.purge_unconfirmed(when)
        try:
            report, error = delivery.send_due(frequency, now=when), None
        except delivery.DeliveryError as exc:
            report, error = exc.report, exc
        if json:
            facts = report.as_dict() if report else {"issue": None, "sent": 0, "empty": 0, "skipped": 0}
            self.stdout.write(json_module.dumps({"frequency": frequency, **facts,
                                                 "error": str(error) if error else None}, indent=2))
        elif report and not error:
            self.stdout.write(str(report))
        if error:
            raise CommandError(str(error), returncode=EXIT_FAILED) from error
