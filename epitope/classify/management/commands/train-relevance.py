"""`epitope train-relevance FILE... [--format pubmed] [--out PATH] [--folds K]`: train the relevance model.

Labels each record by the documented MEDLINE label rule (`label_rule.py`), prints the model's
cross-validated precision, recall and F1 beside the keyword rule's on the same records, and
writes the model (by default the one shipped in the package). Same input, same model.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from epitope.classify import judgements, learned
from epitope.classify.training import C_GRID, FOLDS, load_examples, train
from epitope.commands import EXIT_USAGE
from epitope.ingest.records import IngestError


class Command(BaseCommand):
    help = ("Train the relevance model from labelled PubMed/MEDLINE files (gzip or not) and editors' "
            "judgements; print cross-validated figures beside the keyword rule's and write the model.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="PubMed/MEDLINE XML files with MeSH headings (.xml or .xml.gz)")
        parser.add_argument("--format", default="pubmed", choices=["pubmed"], help="the files' format")
        parser.add_argument("--out", default=str(learned.MODEL_PATH), help="where to write the model")
        parser.add_argument("--folds", type=int, default=FOLDS, help="cross-validation folds (split by PMID)")
        parser.add_argument("--c", default=",".join(map(str, C_GRID)),
                            help="regularisation strengths C to choose from by cross-validation, comma-separated")
        parser.add_argument("--no-judgements", action="store_true",
                            help="train on the files alone, without the editors' judgements in the database "
                                 "(how the shipped model is made, so anyone can rebuild it)")

    def handle(self, *args, files=(), format="pubmed", out="", folds=FOLDS, c="", no_judgements=False, **options):
        if folds < 3:
            raise CommandError("train-relevance: --folds must be at least 3 (nested cross-validation)",
                               returncode=EXIT_USAGE)
        try:
            grid = tuple(float(v) for v in c.split(",") if v.strip())
        except ValueError:
            raise CommandError(f"train-relevance: --c takes numbers separated by commas, not {c!r}",
                               returncode=EXIT_USAGE) from None
        try:
            examples, sources = load_examples(files, format=format)
        except FileNotFoundError as exc:
            raise CommandError(f"train-relevance: {exc}", returncode=EXIT_USAGE) from None
        except (OSError, IngestError) as exc:
            raise CommandError(f"train-relevance: {exc}") from None
        extra = []
        if not no_judgements:
            try:
                extra = judgements.training_examples()
            except DatabaseError as exc:
                raise CommandError(f"train-relevance: cannot read the editors' judgements ({exc}); run "
                                   "`epitope migrate`, or pass --no-judgements to train on the files alone") from None
        for source in sources:
            self.stdout.write(f"{source.name}: {source.records} labelled records, {source.positives} relevant")
        self.stdout.write(f"editors' judgements: {len(extra)}")
        try:
            model, report = train(examples, extra=extra, folds=folds, grid=grid or C_GRID, sources=sources,
                                  progress=lambda message: sys.stderr.write(f"train-relevance: {message}\n"))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"cross-validated on {report.examples} records ({report.positives} relevant), {report.folds} folds "
            f"split by PMID; C and threshold chosen on the training folds only (nested)")
        self.stdout.write(f"{'':<14} {'precision':>9} {'recall':>7} {'F1':>6}")
        for name, figures in (("model", report.model), ("keyword rule", report.keyword)):
            self.stdout.write(f"{name:<14} {figures.precision:>9.3f} {figures.recall:>7.3f} {figures.f1:>6.3f}")
        self.stdout.write(f"shipped model: C {report.chosen_c}, threshold {report.threshold} (probability), "
                          f"{report.features} features, version {model.meta['version']}")
        path = Path(out)
        try:
            learned.dump(model, path)
        except OSError as exc:
            raise CommandError(f"train-relevance: cannot write {path}: {exc}") from None
        learned.clear_cache()
        self.stdout.write(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
