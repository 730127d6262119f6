"""Build the one compiled helper, `epitope.ingest._minhash`; everything else is in pyproject.toml.

It is optional: without a C compiler the install still succeeds and `dedupe.py` computes the
same signatures in Python, only slower.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("epitope.ingest._minhash", ["epitope/ingest/_minhash.c"], optional=True)])
