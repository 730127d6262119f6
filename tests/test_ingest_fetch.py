"""Safe fetching: what a hostile or broken server can and cannot make the fetcher do."""

from __future__ import annotations

import datetime as dt
import re
import gzip
import socket
import threading
import zlib

import pytest
from werkzeug import Response

from epitope.ingest.fetch import address_refusal, fetch, parse_retry_after
from epitope.ingest.records import IngestError

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


@pytest.fixture
def allow_loopback(settings):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = True


def test_plain_fetch_returns_body_headers_and_validators(httpserver, allow_loopback):
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED, content_type="application/rss+xml", headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
    )
    result = fetch(httpserver.url_for("/feed.xml"))
    assert result.ok and result.status == 200
    assert result.body == FEED
    assert result.content_type == "application/rss+xml"
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert not result.not_modified


def test_conditional_get_sends_validators_and_304_is_not_modified(httpserver, allow_loopback):
    httpserver.expect_request(
        "/feed.xml", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}
    ).respond_with_response(Response(status=304, headers={"ETag": '"v1"'}))
    result = fetch(httpserver.url_for("/feed.xml"), etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    assert result.not_modified and result.ok
    assert result.status == 304
    assert result.body == b""
    assert result.etag == '"v1"'


def test_429_carries_retry_after_seconds(httpserver, allow_loopback):
    httpserver.expect_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    result = fetch(httpserver.url_for("/busy"))
    assert result.status == 429 and not result.ok
    assert result.retry_after == 120
    with pytest.raises(IngestError, match=r"^fetch: HTTP 429 .*retry after 120s") as raised:
        result.raise_for_status()
    assert raised.value.retry_after == 120


def test_503_retry_after_as_http_date(httpserver, allow_loopback):
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=10)
    httpserver.expect_request("/down").respond_with_data(
        "", status=503, headers={"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}
    )
    result = fetch(httpserver.url_for("/down"))
    assert result.status == 503
    assert 500 < result.retry_after <= 600


def test_retry_after_parsing():
    now = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    assert parse_retry_after("30", now) == 30
    assert parse_retry_after("Mon, 01 Jan 2024 00:02:00 GMT", now) == 120
    assert parse_retry_after("Sun, 31 Dec 2023 00:00:00 GMT", now) == 0  # already past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_redirects_are_followed_and_final_url_reported(httpserver, allow_loopback):
    httpserver.expect_request("/old").respond_with_response(Response(status=301, headers={"Location": "/new"}))
    httpserver.expect_request("/new").respond_with_data(FEED)
    result = fetch(httpserver.url_for("/old"))
    assert result.body == FEED
    assert result.final_url == httpserver.url_for("/new")


def test_redirect_loop_is_refused(httpserver, allow_loopback):
    httpserver.expect_request("/a").respond_with_response(Response(status=302, headers={"Location": "/b"}))
    httpserver.expect_request("/b").respond_with_response(Response(status=302, headers={"Location": "/a"}))
    with pytest.raises(IngestError, match=r"^fetch: redirect loop"):
        fetch(httpserver.url_for("/a"))


def test_too_many_redirects_are_refused(httpserver, allow_loopback):
    for n in range(10):
        httpserver.expect_request(f"/r{n}").respond_with_response(
            Response(status=302, headers={"Location": f"/r{n + 1}"})
        )
    with pytest.raises(IngestError, match=r"^fetch: too many redirects"):
        fetch(httpserver.url_for("/r0"), max_redirects=3)


def test_redirect_to_another_scheme_is_refused(httpserver, allow_loopback):
    httpserver.expect_request("/f").respond_with_response(Response(status=302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(IngestError, match=r"^fetch: only http and https"):
        fetch(httpserver.url_for("/f"))


def test_only_http_and_https_urls(allow_loopback):
    for url in ("file:///etc/passwd", "ftp://example.org/feed", "gopher://x/"):
        with pytest.raises(IngestError, match=r"^fetch: only http and https"):
            fetch(url)


def test_loopback_is_refused_by_default(httpserver, settings):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = False
    httpserver.expect_request("/feed.xml").respond_with_data(FEED)
    with pytest.raises(IngestError, match=r"^fetch: refusing to connect .*loopback"):
        fetch(httpserver.url_for("/feed.xml"))
    assert httpserver.log == []  # the server never saw a request


def test_redirect_to_metadata_address_is_refused_even_when_first_hop_allowed(httpserver, allow_loopback):
    httpserver.expect_request("/go").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )
    with pytest.raises(IngestError, match=r"^fetch: refusing to connect to 169\.254\.169\.254 .*metadata"):
        fetch(httpserver.url_for("/go"))


def test_redirect_to_private_address_is_refused_when_private_not_allowed(httpserver, settings, monkeypatch):
    # The test server is on loopback, so let the first connection through the policy only once:
    # every later hop meets the default policy, as a redirect from a public host would.
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = False
    import epitope.ingest.fetch as fetch_module

    real_refusal = fetch_module.address_refusal
    calls = []

    def first_hop_allowed(address, allow_private=False):
        calls.append(address)
        return None if len(calls) == 1 else real_refusal(address, allow_private)

    monkeypatch.setattr(fetch_module, "address_refusal", first_hop_allowed)
    httpserver.expect_request("/go").respond_with_response(
        Response(status=302, headers={"Location": "http://10.0.0.1/admin"})
    )
    with pytest.raises(IngestError, match=r"^fetch: refusing to connect to 10\.0\.0\.1 .*private"):
        fetch(httpserver.url_for("/go"))
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    "address, refused_by_default, refused_when_private_allowed",
    [
        ("10.0.0.1", True, False),
        ("192.168.1.20", True, False),
        ("172.16.5.4", True, False),
        ("127.0.0.1", True, False),
        ("::1", True, False),
        ("fd12:3456::1", True, False),
        ("::ffff:10.0.0.1", True, False),
        ("100.64.0.1", True, False),
        ("169.254.169.254", True, True),
        ("fd00:ec2::254", True, True),
        ("169.254.1.1", True, True),
        ("fe80::1", True, True),
        ("224.0.0.1", True, True),
        ("0.0.0.0", True, True),
        ("240.0.0.1", True, True),
        ("93.184.215.14", False, False),
        ("2606:4700:4700::1111", False, False),
    ],
)
def test_address_policy(address, refused_by_default, refused_when_private_allowed):
    assert bool(address_refusal(address)) is refused_by_default
    assert bool(address_refusal(address, allow_private=True)) is refused_when_private_allowed


def test_gzip_bomb_stops_at_the_decoded_limit(httpserver, allow_loopback):
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(IngestError, match=r"^fetch: decoded body is over the 1048576-byte limit"):
        fetch(httpserver.url_for("/bomb"), max_bytes=1024 * 1024)


def test_gzip_and_deflate_bodies_are_decoded(httpserver, allow_loopback):
    httpserver.expect_request("/gz").respond_with_data(gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/zz").respond_with_data(zlib.compress(FEED), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    httpserver.expect_request("/raw").respond_with_data(
        raw.compress(FEED) + raw.flush(), headers={"Content-Encoding": "deflate"}
    )
    for path in ("/gz", "/zz", "/raw"):
        assert fetch(httpserver.url_for(path)).body == FEED


def test_plain_body_over_the_limit_is_refused(httpserver, allow_loopback):
    httpserver.expect_request("/big").respond_with_data(b"x" * 200_000)
    with pytest.raises(IngestError, match=r"^fetch: body of 200000 bytes is over"):
        fetch(httpserver.url_for("/big"), max_bytes=100_000)


class DripServer:
    """A loopback server that answers slowly, one byte a second, until stopped."""

    def __init__(self, drip_headers: bool):
        self.drip_headers = drip_headers
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
            payload = head + b"x" * 100_000 if self.drip_headers else b"x" * 100_000
            if not self.drip_headers:
                conn.sendall(head)
            for byte in payload:
                if self.stop.wait(1.0):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self):
        self.stop.set()
        self.sock.close()
        self.thread.join(timeout=5)


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "headers"])
def test_slow_drip_stops_at_the_total_time_limit(allow_loopback, drip_headers):
    server = DripServer(drip_headers)
    try:
        # The whole answer would take 100,000 s; the fetch gives up at its 2 s budget.
        with pytest.raises(IngestError, match=r"^fetch: took longer than 2s"):
            fetch(server.url, timeout_total=2)
    finally:
        server.close()


def _resolving(monkeypatch, answers):
    """Make DNS answer `answers` (IP strings) for any name, as a hostile resolver could."""
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in ("localhost", "127.0.0.1"):
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
             (ip, port) if ":" not in ip else (ip, port, 0, 0))
            for ip in answers
        ]  # fmt: skip

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch, settings):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = False
    _resolving(monkeypatch, ["10.1.2.3"])
    with pytest.raises(IngestError, match=r"^fetch: refusing to connect to feeds\.example\.org \(10\.1\.2\.3, private"):
        fetch("http://feeds.example.org/rss")


def test_a_name_resolving_to_public_and_metadata_addresses_is_refused(monkeypatch, allow_loopback):
    _resolving(monkeypatch, ["93.184.215.14", "169.254.169.254"])
    with pytest.raises(IngestError, match=r"metadata"):
        fetch("https://feeds.example.org/rss")


def test_the_connection_goes_to_the_checked_address_with_the_original_host(monkeypatch, httpserver, allow_loopback):
    _resolving(monkeypatch, ["127.0.0.1"])
    httpserver.expect_request("/rss", headers={"Host": f"feeds.example.org:{httpserver.port}"}).respond_with_data(FEED)
    result = fetch(f"http://feeds.example.org:{httpserver.port}/rss")
    assert result.body == FEED


class ShortBodyServer:
    """A loopback server that promises `declared` bytes, sends `body`, then hangs up."""

    def __init__(self, body: bytes, declared: int):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.xml"
        self.requests = 0

        def serve():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                self.requests += 1
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                             b"Content-Length: %d\r\n\r\n" % declared + body)

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()

    def close(self):
        self.sock.close()
        self.thread.join(timeout=5)


def test_a_body_shorter_than_its_content_length_is_an_error(allow_loopback):
    server = ShortBodyServer(FEED[:40], declared=len(FEED))
    try:
        with pytest.raises(IngestError, match=rf"^fetch: body ended after 40 of its {len(FEED)} bytes"):
            fetch(server.url)
    finally:
        server.close()


def test_ipv6_literals_are_split_into_host_and_port(monkeypatch, settings):
    # No connection is made: the lookup the guard starts with is recorded and refused.
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = False
    looked_up = []

    def record(host, port, *args, **kwargs):
        looked_up.append((host, port))
        raise socket.gaierror(socket.EAI_NONAME, "not looked up in tests")

    monkeypatch.setattr(socket, "getaddrinfo", record)
    for url in ("http://[2001:db8::1]:8080/feed", "http://[2606:4700:4700::1111]/feed",
                "https://[2606:4700:4700::1111]/feed", "http://[2606:4700:4700::1111]:8443/feed?x=1"):
        with pytest.raises(IngestError, match=r"^fetch: cannot resolve"):
            fetch(url)
    assert looked_up == [("2001:db8::1", 8080), ("2606:4700:4700::1111", 80),
                         ("2606:4700:4700::1111", 443), ("2606:4700:4700::1111", 8443)]


@pytest.mark.parametrize("address, reason", [
    ("::1", "loopback"), ("fd12:3456::1", "private"), ("fe80::1", "link-local"),
    ("::ffff:10.0.0.1", "private"), ("fd00:ec2::254", "metadata"), ("2001:db8::1", "private"),
])
def test_private_ipv6_literals_are_refused_before_any_connection(monkeypatch, settings, address, reason):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = False
    connected = []
    monkeypatch.setattr(socket.socket, "connect", lambda sock, addr: connected.append(addr))
    with pytest.raises(IngestError, match=rf"^fetch: refusing to connect to {re.escape(address)} .*{reason}"):
        fetch(f"http://[{address}]/feed")
    assert connected == []


@pytest.fixture
def ipv6_httpserver():
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="::1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_an_ipv6_literal_is_fetched_through_the_guard(ipv6_httpserver, settings):
    ipv6_httpserver.expect_request("/feed.xml").respond_with_data(FEED, content_type="application/rss+xml")
    url = f"http://[::1]:{ipv6_httpserver.port}/feed.xml"
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(IngestError, match=r"^fetch: refusing to connect to ::1 .*loopback"):
        fetch(url)
    assert ipv6_httpserver.log == []
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = True  # as the tests let loopback through
    result = fetch(url)
    assert result.body == FEED
    request = ipv6_httpserver.log[0][0]
    assert request.headers["Host"] == f"[::1]:{ipv6_httpserver.port}"
