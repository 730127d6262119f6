"""The compiled signatures (`_minhash.c`) are the Python ones: any difference would keep new items
from finding the stories stored before."""

import random
from pathlib import Path

import pytest

from epitope.ingest import dedupe, parse

pytestmark = pytest.mark.skipif(dedupe._minhash is None, reason="epitope.ingest._minhash is not built")

FEEDS = Path(__file__).parent / "testdata" / "ingest" / "feeds"


def texts():
    for path in sorted(FEEDS.glob("*.xml")):
        try:
            yield from (f"{r.title}\n{r.summary}" for r in parse.parse_bytes(path.read_bytes()))
        except Exception:  # a feed only the tolerant path reads, or none: the others suffice
            pass
    # Words as str.isalnum() and str.lower() see them: accents, scripts, case that changes length
    # (İ), a final sigma, digits that are not decimal (²), marks and joiners that end a word.
    pieces = ["cell", "CAR-T", "<p>", "</p>", "<a href='x'>", "é", "e\u0301", "中文", "İ", "ΟΔΟΣ", "Σ", "ß",
              "😀", "3", "²", "٣", "_", "\u200d", "'", " ", " ", "\n", "a", "b"]
    rng = random.Random(7)
    for n in range(400):
        yield "".join(rng.choice(pieces) for _ in range(rng.randint(0, n)))
        yield " ".join(rng.choice("ab") for _ in range(n % 90))  # repeated shingles, sparse bins
        # Past the prefix the words are read from, with and without a tag across its end.
        yield " ".join(rng.choice(pieces) for _ in range(rng.randint(400, 1400)))
        yield "<p>" + "x" * rng.randint(1900, 2100) + "<b>" + " word" * (n % 100)


def test_compiled_signatures_and_band_keys_are_the_python_ones():
    compared = 0
    for text in texts():
        sig = dedupe.signature(text)
        assert sig == dedupe.signature_py(text), text[:80]
        if sig:
            assert dedupe.band_keys(sig) == dedupe.band_keys_py(sig), text[:80]
            compared += 1
    assert compared > 500
