"""`epitope ingest [--source ID] [--json]`: run every due source now (or one source).

Every failure is a line of the summary with its stage's prefix (`fetch:`, `parser:`, `store:`),
never a traceback; the exit status is 1 when there is any (a source that could not be run,
because another worker holds it, too), 2 for an unknown source id.
"""

from django.core.management.base import BaseCommand, CommandError

from epitope.commands import EXIT_FAILED, EXIT_USAGE
from epitope.ingest import report, scheduling
from epitope.ingest.models import Source


class Command(BaseCommand):
    help = "Fetch and store every due source (or the one given), then print what each did."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, metavar="ID", help="run this source now, due or not")
        parser.add_argument("--json", action="store_true", help="print one machine-readable summary")

    def handle(self, *args, source=None, json=False, **options):
        bar = report.Progress(self.stderr._out, unit=" sources")
        if source is not None:
            if not Source.objects.filter(pk=source).exists():
                raise CommandError(f"No source with id {source} (see `epitope sources list`).", returncode=EXIT_USAGE)
            bar.note(f"fetching source {source}…")
            scheduling.free_dead_claims()
            summary = scheduling.run_isolated(source, force=True)
            if summary is None:
                raise CommandError(f"Source {source} is being run by another worker; try again later.")
            summaries = [summary]
        else:
            summaries = scheduling.run_due_sources(
                progress=lambda n, total, s: bar.show(n, total, s.source if s else "")
            )
        bar.close()
        self.stdout.write(report.as_json(summaries) if json else report.as_text(summaries))
        if any(s.errors for s in summaries):
            raise SystemExit(EXIT_FAILED)
