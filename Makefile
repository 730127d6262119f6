# Epitope: `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP  := $(VENV)/.installed

.PHONY: demo test test-postgres serve bench venv browser-deps wheel clean

# A venv cut short (no pip yet) is made again rather than half-used.
$(STAMP): requirements.txt pyproject.toml setup.py epitope/ingest/_minhash.c
	[ -x $(BIN)/pip ] || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser-deps: node_modules/.installed
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	$(BIN)/epitope demo --port $(PORT)

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-postgres

# The suite again on the production pair, PostgreSQL + Redis on loopback (browser tests excepted:
# they exercise the same views). A postgres:// DATABASE_URL or EPITOPE_TEST_REDIS_URL points elsewhere.
test-postgres: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" --ds=epitope.settings.test_postgres -p no:randomly $(PYTEST_ARGS)

# The production configuration (granian, production settings) over the demo data on loopback.
serve: $(STAMP)
	$(BIN)/epitope demo --no-serve --port $(PORT)
	$(BIN)/epitope serve --port $(PORT)

# The sdist and wheel in dist/, built as the container builds them (docker/build-wheel.sh).
wheel: $(STAMP)
	PYTHON=$(BIN)/python sh docker/build-wheel.sh dist

# Load benchmark with wrk (and nginx for the static-file baseline) from Debian's packages.
bench: $(STAMP)
	@{ command -v wrk && { command -v nginx || [ -x /usr/sbin/nginx ]; }; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk and nginx for the load benchmark"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk nginx-light >/dev/null; }
	$(BIN)/python bench/hub_load.py

clean:
	rm -rf $(VENV) node_modules var dist build
