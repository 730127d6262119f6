"""The one normalised shape every source adapter produces.

Adapters (`sources/`) turn raw bytes into `Record`s; the pipeline stores them. Nothing after
the adapters knows which format an item came from, except through `kind` and `raw`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
        basis = "\n".join([self.link.strip(), self.title.strip().lower()])
        return "hash:" + hashlib.sha256(basis.encode()).hexdigest()[:32]


class IngestError(Exception):
    """A source or file Epitope cannot read; the message says why, prefixed by the stage."""


@dataclass
class Skipped:
    """A record its adapter could not read: its place in the document and why ("parser: …").

    Adapters return it in place of the Record so the rest of the document is still read; the
    pipeline counts and reports it.
    """

    position: int  # 1-based, among the document's items
    reason: str


def read_each(items, build, *args) -> list:
    """Return `build(item, *args)` for each item, a `Skipped` where one raises.

    Outside data breaks adapters in ways no adapter can list (a number or a list where text
    belongs, a lone surrogate, nesting the sanitiser refuses): whatever one item raises costs
    that item only.
    """
    out = []
    for position, item in enumerate(items, 1):
        try:
            out.append(build(item, *args))
        except Exception as exc:  # noqa: BLE001 - isolation by record, reported as Skipped
            out.append(Skipped(position, reason_of(exc)))
    return out


def reason_of(exc: BaseException, prefix: str = "parser") -> str:
    """Return a one-line reason for `exc`, with the stage prefix it carries or `prefix`."""
    if isinstance(exc, IngestError):
        return str(exc)
    if isinstance(exc, UnicodeError):
        return f"{prefix}: text is not valid Unicode ({type(exc).__name__})"
    if isinstance(exc, RecursionError):
        return f"{prefix}: nested too deeply"
    message = " ".join(str(exc).split())[:200]
    return f"{prefix}: {type(exc).__name__}: {message}" if message else f"{prefix}: {type(exc).__name__}"
