"""`epitope ingest-file PATH... [--format F] [--source NAME] [--json]`: import local files.

A file or record that cannot be read is a line of the summary with its stage's prefix, never
a traceback; the exit status is 1 when there is any (what could be read is stored regardless),
2 when a path is not a file (nothing is read then).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from epitope.commands import EXIT_FAILED, EXIT_USAGE
from epitope.ingest import files, report
from epitope.ingest.parse import FORMATS


class Command(BaseCommand):
    help = "Import feeds, API responses or PubMed baseline files from disk (format detected when omitted)."
    # Django's system checks (URLs, templates, admin, every app's) cost an import of a few small
    # files a tenth of its CPU; `epitope check` and the server's start run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=FORMATS, help="skip detection and read the files as this format")
        parser.add_argument("--source", metavar="NAME", help=f"file the items under this source (default “{files.DEFAULT_SOURCE}”)")
        parser.add_argument("--json", action="store_true", help="print one machine-readable summary")

    def handle(self, *args, paths, format=None, source=None, json=False, **options):
        missing = [p for p in paths if not Path(p).is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}", returncode=EXIT_USAGE)
        target = files.file_source(source, format)
        bar = report.Progress(self.stderr._out)
        summaries, labels = [], {}
        reconnect = files.Reconnect()  # by records stored, across the files
        for n, path in enumerate(paths, 1):
            bar.show(n - 1, len(paths), f"{Path(path).name}")
            summary = files.ingest_file(
                path, format, target,
                progress=lambda s, n=n, path=path: bar.show(n - 1, len(paths), f"{Path(path).name}: {s.fetched} records"),
                reconnect=reconnect,
            )
            summaries.append(summary)
            labels[id(summary)] = f"{path} → {target.name}"
        bar.show(len(paths), len(paths), "done")
        bar.close()
        if json:
            self.stdout.write(report.as_json(summaries, {id(s): {"file": p} for s, p in zip(summaries, paths)}))
        else:
            self.stdout.write(report.as_text(summaries, labels))
        if any(s.errors for s in summaries):
            raise SystemExit(EXIT_FAILED)
