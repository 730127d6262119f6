# Epitope: one image for the web server (the default command) and the worker (`epitope worker`).
# compose.yaml runs both beside PostgreSQL and Redis. The build runs the scripts that
# tests/test_package.py runs: docker/build-wheel.sh, then docker/install-wheel.sh.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Build stage: the wheel (with the compiled minhash helper), then a venv with it and its pinned dependencies.
FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.txt ./
# The build tools at the versions requirements.txt pins (the ones `make test` installs).
RUN python -m pip install --constraint requirements.txt build setuptools
COPY . .
RUN sh docker/build-wheel.sh /src/dist
# Extras, e.g. --build-arg EPITOPE_EXTRAS=opensearch,sentry
ARG EPITOPE_EXTRAS=""
RUN python -m venv /opt/epitope \
 && PYTHON=/opt/epitope/bin/python EPITOPE_EXTRAS="${EPITOPE_EXTRAS}" sh docker/install-wheel.sh /src/dist

# Runtime stage: the venv alone, run by an unprivileged user.
FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/epitope --shell /usr/sbin/nologin epitope \
 && mkdir -p /var/lib/epitope /srv/epitope/media \
 && chown epitope:epitope /var/lib/epitope /srv/epitope/media
COPY --from=build /opt/epitope /opt/epitope
# EPITOPE_VAR_DIR: SQLite (when no DATABASE_URL), collected static files, the file caches.
# EPITOPE_MEDIA_ROOT: uploaded images and their renditions (a volume of its own in compose.yaml).
ENV PATH=/opt/epitope/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    EPITOPE_PROFILE=production \
    EPITOPE_VAR_DIR=/var/lib/epitope \
    EPITOPE_MEDIA_ROOT=/srv/epitope/media
USER epitope
WORKDIR /var/lib/epitope
EXPOSE 8000
# /healthz answers on the container's own address over plain HTTP, whatever the Host header;
# 503 (database or cache unreachable) makes urlopen raise, so the probe fails.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["epitope", "serve", "--host", "0.0.0.0", "--port", "8000"]
