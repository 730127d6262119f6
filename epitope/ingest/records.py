"""The one normalised shape every source adapter produces.

Adapters (`sources/`) turn raw bytes into `Record`s; the pipeline stores them. Nothing after
the adapters knows which format an item came from, except through `kind` and `raw`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .sanitize import http_link


@dataclass
class Record:
    title: str
    link: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    summary: str = ""  # sanitised HTML (or plain text) abstract / standfirst
    # Identifiers, canonical form: doi "10.x/y" lower-cased, pmid digits, pmcid "PMC123",
    # nct "NCT01234567", preprint_doi for bioRxiv/medRxiv, guid for feed items.
    identifiers: dict[str, str] = field(default_factory=dict)
    kind: str = "news"  # news | paper | preprint | trial
    source_format: str = ""  # rss | atom | rdf | jsonfeed | pubmed | europepmc | biorxiv | ctgov
    # Strong signals the source itself gives (MeSH headings, trial conditions/interventions, phase).
    subjects: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # e.g. {"phase": "PHASE1", "enrollment": 24}
    raw: bytes | str = b""  # the item's own payload, kept for audit

    def __post_init__(self):
        # Every adapter builds a Record, so no item stores a link a browser would run
        # (javascript:, data:, ...): only absolute http(s) links are kept.
        self.link = http_link(self.link)

    def identity(self) -> str:
        """Return the dedupe key: the strongest identifier present, else a stable hash."""
        for key in ("doi", "pmid", "nct", "preprint_doi", "pmcid", "guid"):
            if self.identifiers.get(key):
                return f"{key}:{self.identifiers[key]}"
        import hashlib

        basis = "\n".join([self.link.strip(), self.title.strip().lower()])
        return "hash:" + hashlib.sha256(basis.encode()).hexdigest()[:32]


class IngestError(Exception):
    """A source or file Epitope cannot read; the message says why, prefixed by the stage."""
