"""Jobs the worker runs on a clock, besides ingestion: scheduled publishing and newsletter digests.

Each job runs at most once per interval per worker. Running them twice is harmless: Wagtail
publishes a due revision once, and digests are claimed per subscriber and issue before sending.
"""

import logging
import time

from django.core.management import call_command

from epitope.newsletter.tasks import send_digests

logger = logging.getLogger("epitope.worker")


def _publish_scheduled():
    call_command("publish_scheduled", verbosity=0)


def _digests():
    for frequency in ("daily", "weekly"):
        send_digests.enqueue(frequency)


JOBS = [("publish scheduled pages", 60, _publish_scheduled), ("newsletter digests", 15 * 60, _digests)]


class Clock:
    def __init__(self, jobs=JOBS):
        self.jobs = jobs
        self.last_run = {}

    def run_due(self, now=None):
        """Run every job whose interval has passed; return the names run. A failing job is logged, not fatal."""
        now = time.monotonic() if now is None else now
        ran = []
        for name, interval, job in self.jobs:
            if now - self.last_run.get(name, float("-inf")) < interval:
                continue
            self.last_run[name] = now
            try:
                job()
                ran.append(name)
            except Exception:
                logger.exception("periodic job %r failed", name)
        return ran
