"""Run a query source: page through an API with the adapters' URL builders, yielding Records.

Feed sources are one GET; query sources (PubMed, Europe PMC, bioRxiv/medRxiv, ClinicalTrials.gov)
take several requests — esearch then efetch, or cursor pages — so they are generators the
pipeline consumes batch by batch. Each run reads at most `MAX_PAGES` pages: a source is
polled on a schedule, so the newest results are what matter.
"""

from __future__ import annotations

import datetime as dt
import json
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone

from . import claims, pacing, parse
from . import fetch as fetching
from .records import IngestError
from .sources import biorxiv, ctgov, europepmc, pubmed

MAX_PAGES = 5
BIORXIV_DAYS = 7


def _get(url):
    claims.checkpoint()  # the run still holds its source (and holds it longer), or it stops here
    pacing.wait_turn(url)
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


def ncbi_email() -> str:
    """Return the address NCBI may write to about our requests: EPITOPE_NCBI_EMAIL, else the
    deployment's sender address, unless that is a placeholder no one reads (…@localhost)."""
    address = getattr(settings, "EPITOPE_NCBI_EMAIL", "") or parseaddr(getattr(settings, "DEFAULT_FROM_EMAIL", ""))[1]
    domain = address.rpartition("@")[2]
    return address if "." in domain and not domain.endswith(".localhost") else ""


def _pubmed(query):
    # NCBI asks every E-utilities client to name itself (`tool`, `email`); a key raises the rate.
    identity = {"api_key": pacing.ncbi_api_key(), "email": ncbi_email(), "base": pacing.eutils_base()}
    ids, _total = pubmed.esearch_ids(_get(pubmed.esearch_url(query, retmax=200 * MAX_PAGES, **identity)).body)
    for start in range(0, len(ids), 200):
        yield from parse.parse_items(_get(pubmed.efetch_url(ids[start:start + 200], **identity)).body, "pubmed")


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
