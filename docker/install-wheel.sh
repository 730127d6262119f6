#!/bin/sh
# Install the wheel found in WHEELDIR (default dist/), with extras from EPITOPE_EXTRAS
# (e.g. "opensearch,sentry"), its dependencies held to the pins of requirements.txt.
# The container runs this; tests/test_package.py runs it with PIP_NO_INDEX=1 against a fresh
# venv that already sees the pinned dependencies, which proves they satisfy what the wheel declares.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
wheeldir="$(cd "${1:-dist}" && pwd)"
set -- "$wheeldir"/epitope-*.whl
[ "$#" -eq 1 ] && [ -f "$1" ] || { echo "install-wheel: expected one epitope wheel in $wheeldir" >&2; exit 2; }
wheel="$1"
[ -z "${EPITOPE_EXTRAS:-}" ] || wheel="epitope[$EPITOPE_EXTRAS] @ file://$1"
exec "${PYTHON:-python}" -m pip install --no-cache-dir --constraint "$here/requirements.txt" "$wheel"
