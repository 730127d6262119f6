#!/bin/sh
# Build Epitope's sdist, then its wheel from that sdist, into OUTDIR (default dist/).
# The container's build stage and tests/test_package.py both run this script, so the image is
# built by the commands the test suite proves. No build isolation: the build tools are the ones
# pinned in requirements.txt (build, setuptools), already installed, so no network is needed.
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python}" -m build --no-isolation --outdir "${1:-dist}" .
