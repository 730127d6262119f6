"""Run a query source: page through an API with the adapters' URL builders, yielding Records.

Feed sources are one GET; query sources (PubMed, Europe PMC, bioRxiv/medRxiv, ClinicalTrials.gov)
take several requests — esearch then efetch, or cursor pages — so they are generators the
pipeline consumes batch by batch. Each run reads at most `MAX_PAGES` pages: a source is
polled on a schedule, so the newest results are what matter.
"""

from __future__ import annotations

import datetime as dt
import json
import os

from django.conf import settings
from django.utils import timezone

from . import fetch as fetching
from . import parse
from .records import IngestError
from .sources import biorxiv, ctgov, europepmc, pubmed

MAX_PAGES = 5
BIORXIV_DAYS = 7


def _get(url):
    result = fetching.fetch(url)
    result.raise_for_status()
    return result


def _json(url):
    try:
        return json.loads(_get(url).body)
    except ValueError as exc:
        raise IngestError(f"parser: invalid JSON from {url}: {exc}") from None
    except RecursionError:
        raise IngestError(f"parser: JSON nested too deeply from {url}") from None


def records_for_query(source):
    """Yield the Records a query source currently returns."""
    runners = {"pubmed": _pubmed, "europepmc": _europepmc, "biorxiv": _biorxiv, "ctgov": _ctgov}
    runner = runners.get(source.kind)
    if runner is None:
        raise IngestError(f"source: a {source.get_kind_display()} source needs a URL, not a query")
    return runner(source.query.strip())


def _pubmed(query):
    api_key = getattr(settings, "EPITOPE_NCBI_API_KEY", "") or os.environ.get("NCBI_API_KEY", "")
    limiter = pubmed.RateLimiter(api_key)
    limiter.wait()
    ids, _total = pubmed.esearch_ids(_get(pubmed.esearch_url(query, api_key=api_key, retmax=200 * MAX_PAGES)).body)
    for start in range(0, len(ids), 200):
        limiter.wait()
        yield from parse.parse_items(_get(pubmed.efetch_url(ids[start:start + 200], api_key=api_key)).body, "pubmed")


def _europepmc(query):
    cursor = "*"
    for _ in range(MAX_PAGES):
        doc = _json(europepmc.search_url(query, cursor_mark=cursor, sort="FIRST_PDATE_D desc"))
        yield from europepmc.records_from_json(doc)
        cursor = europepmc.next_cursor(doc, cursor)
        if cursor is None:
            return


def _biorxiv(query):
    # The query is "[medrxiv|biorxiv] [category]", e.g. "biorxiv cancer biology".
    words = query.split(maxsplit=1)
    server = words[0].lower() if words and words[0].lower() in biorxiv.SERVERS else "biorxiv"
    category = query[len(words[0]):].strip() if words and words[0].lower() in biorxiv.SERVERS else query
    end = timezone.now().date()
    start, cursor = end - dt.timedelta(days=BIORXIV_DAYS), 0
    for _ in range(MAX_PAGES):
        doc = _json(biorxiv.details_url(server, start, end, cursor=cursor, category=category))
        yield from biorxiv.records_from_json(doc)
        cursor = biorxiv.next_cursor(doc)
        if cursor is None:
            return


def _ctgov(query):
    token = ""
    for _ in range(MAX_PAGES):
        doc = _json(ctgov.studies_url(term=query, page_token=token))
        yield from ctgov.records_from_json(doc)
        token = ctgov.next_page_token(doc)
        if not token:
            return
