"""Score the cancer-type facet against the MeSH neoplasm headings (epitope/classify/cancer_eval.py).

Usage: .venv/bin/python bench/cancer_types_eval.py [--errors] [PATH...]
Without PATHs it reads the labelled MEDLINE tuning file (tests/testdata/classify/medline) and
prints micro and macro precision/recall, title-only records apart, per concept with support,
for the whole file and for its two halves by PMID parity (the rules are not fitted to either).
"""

import gzip
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")

if __name__ == "__main__":
    from epitope.classify import cancer_eval
    from epitope.classify.evaluate import labelled_examples
    from epitope.ingest.parse import parse_bytes

    args = sys.argv[1:]
    errors = "--errors" in args
    paths = [Path(a) for a in args if a != "--errors"] or [
        ROOT / "tests" / "testdata" / "classify" / "medline" / "medline-1977-79-tuning.xml.gz"]
    records = []
    for path in paths:
        data = path.read_bytes()
        records.extend(parse_bytes(gzip.decompress(data) if path.suffix == ".gz" else data))
    examples = labelled_examples(records)
    result = cancer_eval.evaluate_cancer_types(examples)
    print(cancer_eval.format_cancer_types(result))
    for parity in (0, 1):
        half = [e for e in examples if (sum(map(ord, e.identity)) % 2) == parity]
        print(f"\nhalf {parity} (identity checksum parity):")
        print(cancer_eval.format_cancer_types(cancer_eval.evaluate_cancer_types(half), by_concept=False))
    if errors:
        print("\n".join(result.errors))
