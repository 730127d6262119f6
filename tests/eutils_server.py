"""A loopback stand-in for NCBI's E-utilities and a feed host, recording every request it gets.

esearch answers `ESEARCH_IDS` PMIDs per term (so a run pages through efetch five times, each
page answered after `slow_delay` for a term with "slow" in it);
efetch answers `ARTICLES_PER_FETCH` real PubMed records (tests/testdata/ingest/pubmed) given
the first PMIDs asked for, as a real efetch would; /feed/* is a real Atom feed. Every answer
is held back a little (`delay`), as a real server's is, so that runs last and overlap.
"""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TESTDATA = Path(__file__).parent / "testdata"
ESEARCH_IDS = 1000
ARTICLES_PER_FETCH = 5
_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
ARTICLES = [m.group(0) for f in sorted((TESTDATA / "ingest" / "pubmed").glob("*.xml"))
            for m in _ARTICLE.finditer(f.read_bytes())]
ATOM = (TESTDATA / "ingest_runs" / "small_atom.xml").read_bytes()


def article_with_pmid(n: int, pmid: str) -> bytes:
    """Return fixture article n % 8 as the record of `pmid` (its PMID and DOI made its own)."""
    article = ARTICLES[n % len(ARTICLES)]
    article = re.sub(rb"(<PMID[^>]*>)\d+(</PMID>)", rb"\g<1>" + pmid.encode() + rb"\g<2>", article, count=1)
    article = re.sub(rb'(IdType="pubmed">)\d+(<)', rb"\g<1>" + pmid.encode() + rb"\g<2>", article, count=1)
    return re.sub(rb'((?:IdType|EIdType)="doi"[^>]*>)([^<]+)', rb"\g<1>10.99999/test." + pmid.encode(), article)


class EutilsServer:
    """Serve on 127.0.0.1:<port> until `close()`; `requests` holds (monotonic time, host, path, params)."""

    def __init__(self, delay: float = 0.05, feed_delay: float = 0.3, slow_delay: float = 1.0):
        self.requests: list[tuple[float, str, str, dict]] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                arrived = owner.accepted.pop(self.request, time.monotonic())
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with owner._lock:
                    owner.requests.append((arrived, self.headers.get("Host", ""), parts.path, params))
                body, kind, wait = owner.answer(parts.path, params)
                time.sleep(wait)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def process_request(self, request, client_address):
                # The time of the connection, before a thread is started to read it: what a
                # server counting requests per second would see, whatever this process is busy with.
                owner.accepted[request] = time.monotonic()
                super().process_request(request, client_address)

        self.accepted, self.slow_ranges = {}, set()
        self.delay, self.feed_delay, self.slow_delay = delay, feed_delay, slow_delay
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.eutils = f"http://127.0.0.1:{self.port}/entrez/eutils/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def feed_url(self, name: str) -> str:
        # Another host name for the same server: feeds are paced as a host of their own.
        return f"http://localhost:{self.port}/feed/{name}"

    def answer(self, path, params):
        if path.endswith("/esearch.fcgi"):
            term = params.get("term", "")
            first = 90_000_000 + (zlib.crc32(term.encode()) % 1000) * 10_000
            if "slow" in term:  # its efetch pages answer after `slow_delay`
                self.slow_ranges.add(first)
            ids = [str(first + i) for i in range(ESEARCH_IDS)]
            doc = {"esearchresult": {"count": str(len(ids)), "idlist": ids}}
            return json.dumps(doc).encode(), "application/json", self.delay
        if path.endswith("/efetch.fcgi"):
            pmids = params.get("id", "").split(",")[:ARTICLES_PER_FETCH]
            records = b"\n".join(article_with_pmid(int(p), p) for p in pmids if p.isdigit())
            body = b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n' + records + b"\n</PubmedArticleSet>\n"
            slow = pmids[0].isdigit() and int(pmids[0]) // 10_000 * 10_000 in self.slow_ranges
            return body, "text/xml", self.slow_delay if slow else self.delay
        if path.startswith("/feed/"):
            return ATOM, "application/atom+xml", self.feed_delay
        return None, "text/plain", 0

    def ncbi_requests(self):
        with self._lock:
            return [r for r in self.requests if r[2].startswith("/entrez/eutils/")]

    def feed_requests(self):
        with self._lock:
            return [r for r in self.requests if r[2].startswith("/feed/")]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
