"""Score the classifier on the real records shipped in tests/testdata/classify.

Usage: .venv/bin/python bench/classify_eval.py [--errors] [--by-concept] [PATH...]
Same as `epitope classify-eval`: the sources' index terms (MeSH headings with qualifiers,
publication types; a trial's MeSH terms, phases, study type and age groups) are hidden from the
classifier and used as gold labels (see epitope/classify/mesh_map.py). Without PATHs it prints
the tuning set (PubMed) and the held-out set (Europe PMC + ClinicalTrials.gov): per facet
support, predictions, hits, precision, recall and F1, relevance P/R/F1, and the targets.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")

if __name__ == "__main__":
    from epitope.cli import main

    main(["classify-eval", *sys.argv[1:]])
