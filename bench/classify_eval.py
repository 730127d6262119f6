"""Score the classifier on the real PubMed / Europe PMC records shipped in tests/testdata/classify.

Usage: .venv/bin/python bench/classify_eval.py [--errors] [PATH...]
Same as `epitope classify-eval`: MeSH headings hidden from the classifier, used as gold labels.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")

if __name__ == "__main__":
    from epitope.cli import main

    main(["classify-eval", *sys.argv[1:]])
