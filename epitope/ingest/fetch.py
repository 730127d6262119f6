"""Fetch a source URL safely: every feed URL is untrusted.

- Only http and https. Redirects are followed here, one hop at a time, each hop checked.
- The host is resolved, every address checked against the policy (no private, loopback,
  link-local, multicast, reserved or cloud-metadata addresses unless allowed), and the socket
  connects to the very address that was checked, so DNS rebinding cannot swap it afterwards.
- The body limit counts decoded bytes, so a gzip bomb stops at the limit; a total deadline
  (enforced by a watchdog that shuts the socket) stops a server that drips a byte a second.
- Conditional GET (ETag / Last-Modified); 304 comes back as `not_modified` with no body;
  429/503 carry `retry_after` seconds from the Retry-After header, at most `MAX_RETRY_AFTER`
  (the scheduler caps it again at the source's own longest backoff).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import ipaddress
import logging
import os
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from .records import IngestError

logger = logging.getLogger("epitope.ingest")

USER_AGENT = "Epitope/1.0 (cancer immunology news hub; +https://github.com/epitope)"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT_TOTAL = 60.0
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_RETRY_AFTER = 24 * 3600.0  # seconds: a server may slow us down, not switch a source off
_READ_CHUNK = 64 * 1024
# Cloud metadata services: never reachable, whatever the settings say.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}
_SHARED_NAT = ipaddress.ip_network("100.64.0.0/10")


@dataclass
class FetchResult:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    final_url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    retry_after: float | None = None  # seconds, for 429 / 503

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 or self.not_modified

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def raise_for_status(self) -> None:
        """Raise IngestError unless the fetch succeeded (2xx or 304)."""
        if not self.ok:
            wait = f", retry after {self.retry_after:.0f}s" if self.retry_after is not None else ""
            error = IngestError(f"fetch: HTTP {self.status} from {self.final_url}{wait}")
            error.retry_after = self.retry_after  # the scheduler backs off at least this long
            raise error


def allow_private_default() -> bool:
    """Return the EPITOPE_FETCH_ALLOW_PRIVATE setting (Django settings, else environment)."""
    if settings.configured and hasattr(settings, "EPITOPE_FETCH_ALLOW_PRIVATE"):
        return bool(settings.EPITOPE_FETCH_ALLOW_PRIVATE)
    return os.environ.get("EPITOPE_FETCH_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes", "on")


def address_refusal(address: str, allow_private: bool = False) -> str | None:
    """Return why Epitope must not connect to `address` (an IP string), or None if it may."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    if ip.is_loopback:  # before is_reserved, which also covers ::1
        return None if allow_private else "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_reserved:
        return "reserved address"
    if allow_private:
        return None
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_NAT):
        return "private address"
    if not ip.is_global:
        return "non-public address"
    return None


def _connect_checked(host: str, port: int, timeout: float, allow_private: bool) -> socket.socket:
    """Resolve `host`, refuse it if any address is off-limits, connect to a checked address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise IngestError(f"fetch: cannot resolve {host}: {exc.strerror or exc}") from None
    for *_, sockaddr in infos:
        reason = address_refusal(sockaddr[0], allow_private)
        if reason:
            raise IngestError(f"fetch: refusing to connect to {host} ({sockaddr[0]}, {reason})")
    last_error: OSError | None = None
    for family, type_, proto, _, sockaddr in infos:
        sock = socket.socket(family, type_, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)  # the address just checked, not a fresh lookup
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise IngestError(f"fetch: cannot connect to {host}:{port}: {last_error}")


class _Deadline:
    """The total time budget of one fetch, with a watchdog that shuts the socket when spent."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._timer: threading.Timer | None = None

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise IngestError(f"fetch: took longer than {self.seconds:g}s")
        return left

    def guard(self, conn: http.client.HTTPConnection) -> None:
        def shut():
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        self.cancel()
        self._timer = threading.Timer(self.remaining(), shut)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _connection(url: str, timeout: float, allow_private: bool) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise IngestError(f"fetch: only http and https URLs are fetched, not {parts.scheme or 'none'}:")
    if not parts.hostname:
        raise IngestError(f"fetch: no host in {url!r}")
    if parts.username or parts.password:
        raise IngestError("fetch: credentials in feed URLs are not supported")
    try:
        # Always explicit: given none, http.client reads the last group of an IPv6 literal
        # ("2606:4700::1111") as a port.
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise IngestError(f"fetch: bad port in {url!r}") from None
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    conn._create_connection = lambda address, t, source=None: _connect_checked(  # noqa: SLF001
        address[0], address[1], t, allow_private
    )
    return conn


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Return the seconds a Retry-After header asks us to wait (delta or HTTP date), or None.

    At most MAX_RETRY_AFTER: "99999999999999999999" or a date in 9999 waits a day, not forever.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)  # float: no digit limit, a huge one is inf
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        now = now or dt.datetime.now(dt.timezone.utc)
        return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _decoder(content_encoding: str):
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib-wrapped; raw handled on error
    raise IngestError(f"fetch: unsupported Content-Encoding {content_encoding!r}")


def _read_body(resp: http.client.HTTPResponse, deadline: _Deadline, max_bytes: int, sock_timeout) -> bytes:
    declared = resp.getheader("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise IngestError(f"fetch: body of {int(declared)} bytes is over the {max_bytes}-byte limit")
    decoder = _decoder(resp.getheader("content-encoding") or "")
    raw_deflate_tried = False
    wire = 0
    out: list[bytes] = []
    size = 0
    while True:
        sock_timeout(min(deadline.remaining(), 30.0))
        try:
            chunk = resp.read1(_READ_CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            deadline.remaining()  # a watchdog shutdown reads as an error: report it as time
            raise IngestError(f"fetch: connection failed while reading: {exc}") from None
        if not chunk:
            deadline.remaining()
            break
        wire += len(chunk)
        if wire > max_bytes:
            raise IngestError(f"fetch: body is over the {max_bytes}-byte limit")
        if decoder is not None:
            try:
                chunk = decoder.decompress(chunk, max_bytes + 1 - size)
            except zlib.error as exc:
                if raw_deflate_tried or size or resp.getheader("content-encoding", "").lower() != "deflate":
                    raise IngestError(f"fetch: corrupt compressed body: {exc}") from None
                raw_deflate_tried = True
                decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                chunk = decoder.decompress(chunk, max_bytes + 1 - size)
            if decoder.unconsumed_tail:
                raise IngestError(f"fetch: decoded body is over the {max_bytes}-byte limit")
        size += len(chunk)
        if size > max_bytes:
            raise IngestError(f"fetch: decoded body is over the {max_bytes}-byte limit")
        out.append(chunk)
    if declared and declared.isdigit() and wire < int(declared):  # http.client returns what came
        raise IngestError(f"fetch: body ended after {wire} of its {int(declared)} bytes")
    return b"".join(out)


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_total: float = DEFAULT_TIMEOUT_TOTAL,
    max_redirects: int = 5,
    allow_private: bool | None = None,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """Return the response to GET `url` after following redirects safely.

    Any final status comes back as a FetchResult (check `.ok` or call `.raise_for_status()`);
    IngestError("fetch: …") is raised for what is refused or fails on the way.
    """
    if allow_private is None:
        allow_private = allow_private_default()
    deadline = _Deadline(timeout_total)
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
        "application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    request_headers.update(headers or {})
    visited: list[str] = []
    current = url
    while True:
        visited.append(current)
        result, location = _one_hop(current, request_headers, deadline, max_bytes, allow_private)
        if location is None:
            return result
        target = urljoin(current, location)
        if target in visited:
            raise IngestError(f"fetch: redirect loop at {target}")
        if len(visited) > max_redirects:
            raise IngestError(f"fetch: too many redirects (more than {max_redirects})")
        logger.debug("redirect %s -> %s", current, target)
        current = target


def _one_hop(url, request_headers, deadline, max_bytes, allow_private) -> tuple[FetchResult, str | None]:
    conn = _connection(url, min(deadline.remaining(), 30.0), allow_private)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    deadline.guard(conn)
    try:
        try:
            conn.request("GET", path, headers=request_headers)
            resp = conn.getresponse()
        except IngestError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            deadline.remaining()
            raise IngestError(f"fetch: {type(exc).__name__}: {exc}") from None
        response_headers = {k.lower(): v for k, v in resp.getheaders()}
        location = response_headers.get("location")
        if resp.status in REDIRECT_STATUSES and location:
            return FetchResult(resp.status, b"", response_headers, url), location
        if resp.status == 304:
            body = b""
        else:
            body = _read_body(resp, deadline, max_bytes, lambda t: conn.sock and conn.sock.settimeout(t))
        retry_after = None
        not_modified = resp.status == 304
        if resp.status in (429, 503):
            retry_after = parse_retry_after(response_headers.get("retry-after"))
        return FetchResult(
            status=resp.status,
            body=body,
            headers=response_headers,
            final_url=url,
            # A 304 may omit the validators; the ones we sent are still the current ones.
            etag=response_headers.get("etag")
            or (request_headers.get("If-None-Match") if not_modified else None),
            last_modified=response_headers.get("last-modified")
            or (request_headers.get("If-Modified-Since") if not_modified else None),
            not_modified=not_modified,
            retry_after=retry_after,
        ), None
    finally:
        deadline.cancel()
        conn.close()
