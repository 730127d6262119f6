"""`epitope healthcheck`: the checks of `/healthz`, for a process that serves no HTTP (the worker).

Prints the same JSON as `/healthz` and exits 0 when the database and the cache are reachable,
1 when one is not: a container healthcheck for the worker, beside the web server's probe of
`/healthz`.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from epitope.core.health import report


class Command(BaseCommand):
    help = "Check that the database and the cache are reachable (as /healthz does); exit 1 if not."

    def handle(self, *args, **options):
        status, body = report()
        self.stdout.write(json.dumps(body))
        if status != 200:
            unreachable = ", ".join(part for part, state in body.items() if state == "unreachable")
            raise CommandError(f"unhealthy: {unreachable} unreachable")
