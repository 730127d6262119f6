"""`epitope classify FILE... [--format F]`: one JSON line per record, no database involved.

Exactly one line per record of the input, in input order, file after file. Each line: id (the
record's identity: doi:…, pmid:…, nct:…), file, position (the record's place in its file,
from 1), title, the identifiers pmid, doi, pmcid and nct as separate fields (null when the record
has none, so scripts can join on them), relevance, relevant, evidence_badge, autoimmune_use,
patients, vocabulary_version and facets — every tag with its spans as [start, end, words,
field], where field is "title", "text" (the abstract as plain text, HTML tags removed) or
"subject" (a heading, keyword or publication type of the record).

A record that cannot be read still gets its line, in its place: {"error": "parser: …", "file",
"position", "id": null, the identifiers that could be salvaged (a PubMed record's PMID)}.

PubMed/MEDLINE XML (every layout NLM publishes, gzipped or not) is streamed record by record,
in flat memory whatever the file's size; other formats are read whole. Files may be gzipped;
'-' reads standard input. The exit status is 1 when a file cannot be read, holds no record or
holds a record that cannot be read, 2 when a path does not exist (nothing is read then); stderr
says which and why.
"""

import gc
import gzip
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from epitope.classify.inputs import record_inputs
from epitope.classify.pubmed_inputs import pubmed_inputs
from epitope.classify.tagger import get_tagger
from epitope.commands import EXIT_USAGE
from epitope.ingest import limits
from epitope.ingest.parse import FORMATS, parse_items
from epitope.ingest.records import IngestError, Record, Skipped
from epitope.ingest.sources import pubmed_stream

ID_FIELDS = ("pmid", "doi", "pmcid", "nct")
_BATCH = 256  # lines per write: one write per line costs more than the JSON
_SNIFF = 65536


class Command(BaseCommand):
    help = ("Classify the records in PubMed / MEDLINE / Europe PMC / ClinicalTrials.gov / feed files; "
            "print one JSON line per record, in order.")
    requires_system_checks = []  # reads files only: no database, no app checks

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="files to read, gzipped or not ('-' for standard input)")
        parser.add_argument("--format", choices=FORMATS, help="the files' format (detected when omitted)")
        parser.add_argument(
            "--no-subjects", action="store_true",
            help="ignore the source's own subject headings and keywords (title + abstract only)",
        )

    def handle(self, *args, files=(), format=None, no_subjects=False, **options):
        missing = [name for name in files if name != "-" and not Path(name).exists()]
        if missing:  # a mistyped path: bad usage, and nothing printed for the files that exist
            raise CommandError(f"classify: no such file: {', '.join(missing)}", returncode=EXIT_USAGE)
        self.tagger = get_tagger()
        # The vocabulary and automaton live as long as the process: keep the collector from
        # walking them again every few thousand records (a tenth of the run on a MEDLINE file).
        gc.freeze()
        self.no_subjects = no_subjects
        problems = []
        for name in files:
            self.lines, self.read, self.unreadable = [], 0, []
            try:
                with _open(name) as stream:
                    self._classify_stream(name, stream, format)
            except (OSError, EOFError, IngestError) as exc:
                problems.append(f"{name}: {_reason(exc)}")
            else:
                if self.unreadable:
                    first = self.unreadable[0]
                    problems.append(f"{name}: {len(self.unreadable)} of {self.read + len(self.unreadable)} "
                                    f"records could not be read (first: {first})")
                elif not self.read:
                    problems.append(f"{name}: no record in this file")
            finally:
                self._flush()
        if problems:
            for problem in problems:
                self.stderr.write(f"classify: {problem}")
            raise CommandError(f"classify: {len(problems)} of {len(files)} files not fully read")

    # -- one file -----------------------------------------------------------------------------
    def _classify_stream(self, name, stream, format):
        head = stream.read(_SNIFF)
        if format in (None, "pubmed") and pubmed_stream.sniff(head):
            for item in pubmed_stream.iter_records(stream, head):
                if isinstance(item, pubmed_stream.UnreadableRecord):
                    self._error(name, item.position, str(item), pmid=item.pmid)
                    continue
                try:
                    inputs = pubmed_inputs(item)
                except (IngestError, ValueError) as exc:
                    self._error(name, self.read + len(self.unreadable) + 1, _reason(exc))
                    continue
                ids = inputs.identifiers
                pmid = ids.get("pmid")
                link = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else ""
                own = {k: v for k, v in ids.items() if k != "nct"}  # the dedupe key ingestion gives it
                stub = Record(title=inputs.title, link=link, identifiers=own)
                self._line(name, stub.identity(), inputs.title, ids, inputs.text, inputs.subjects)
            return
        if format == "pubmed":
            raise IngestError("parser: not PubMed XML (expected <PubmedArticleSet> or <MedlineCitationSet>)")
        # Other formats are parsed whole, so their size is bounded as ingest-file bounds it.
        data = head + stream.read(limits.MAX_DOCUMENT_BYTES + 1 - len(head))
        if len(data) > limits.MAX_DOCUMENT_BYTES:
            raise IngestError(f"file: over the {limits.MAX_DOCUMENT_BYTES}-byte limit once decompressed")
        for item in parse_items(data, format):
            if isinstance(item, Skipped):  # one line in its place, as for PubMed records
                self._error(name, item.position, item.reason)
                continue
            title, text, subjects = record_inputs(item)
            self._line(name, item.identity(), item.title, item.identifiers, text, subjects)

    def _line(self, name, identity, title, ids, text, subjects):
        self.read += 1
        result = self.tagger.classify(title, text, () if self.no_subjects else subjects)
        line = {"id": identity, "file": name, "position": self.read + len(self.unreadable), "title": title,
                **{key: ids.get(key) or None for key in ID_FIELDS}, **result.to_dict()}
        self._emit(line)

    def _error(self, name, position, reason, pmid=""):
        self.unreadable.append(f"position {position}: {reason}")
        line = {"id": None, "file": name, "position": position, "error": reason,
                **{key: None for key in ID_FIELDS}}
        line["pmid"] = pmid or None
        self._emit(line)

    def _emit(self, line):
        self.lines.append(json.dumps(line, ensure_ascii=False))
        if len(self.lines) >= _BATCH:
            self._flush()

    def _flush(self):
        if self.lines:
            self.stdout.write("\n".join(self.lines))
            self.lines = []


def _open(name):
    """Return a binary stream of the file (or stdin for '-'), gunzipped when it is gzipped."""
    if name != "-":
        return pubmed_stream.open_file(name)
    stdin = sys.stdin.buffer
    if stdin.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=stdin, mode="rb")
    return _Unclosed(stdin)


class _Unclosed:
    """Standard input in a `with` block that must not close it."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, IngestError):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return "file: no such file"
    if isinstance(exc, OSError):
        return f"file: {exc.strerror or exc}"
    return f"parser: {type(exc).__name__}: {exc}"
