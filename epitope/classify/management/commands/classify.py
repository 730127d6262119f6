"""`epitope classify FILE... [--format F]`: one JSON line per record, no database involved.

Each line: id (the record's identity: doi:…, pmid:…, nct:…), file, title, relevance, relevant,
evidence_badge, autoimmune_use, patients, vocabulary_version and facets — every tag with its
spans as [start, end, words, field], where field is "title", "text" (the abstract as plain
text, HTML tags removed) or "subject" (a heading, keyword or publication type of the record).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from epitope.classify.inputs import record_inputs
from epitope.classify.tagger import classify
from epitope.ingest.parse import FORMATS, parse_bytes
from epitope.ingest.records import IngestError


class Command(BaseCommand):
    help = "Classify the records in feed / PubMed / Europe PMC / ClinicalTrials.gov files; print JSON lines."
    requires_system_checks = []  # reads files only: no database, no app checks

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="files to read ('-' for standard input)")
        parser.add_argument("--format", choices=FORMATS, help="the files' format (detected when omitted)")
        parser.add_argument(
            "--no-subjects", action="store_true",
            help="ignore the source's own subject headings and keywords (title + abstract only)",
        )

    def handle(self, *args, files=(), format=None, no_subjects=False, **options):
        failed = 0
        for name in files:
            try:
                data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
                records = parse_bytes(data, format)
            except (OSError, IngestError) as exc:
                self.stderr.write(f"classify: {name}: {exc}")
                failed += 1
                continue
            for record in records:
                title, text, subjects = record_inputs(record)
                result = classify(title, text, () if no_subjects else subjects)
                line = {"id": record.identity(), "file": name, "title": record.title, **result.to_dict()}
                self.stdout.write(json.dumps(line, ensure_ascii=False))
        if failed == len(files):
            raise CommandError("classify: no file could be read")

