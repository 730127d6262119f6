"""`epitope serve` for real: granian with the production settings on a loopback port."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("serve-var")
    port = free_port()
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    env["EPITOPE_VAR_DIR"] = str(var_dir)
    epitope = [sys.executable, "-m", "epitope.cli"]
    proc = subprocess.Popen(
        [*epitope, "serve", "--port", str(port), "--workers", "2", "--threads", "2", "--migrate"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            get(base + "/")
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read().decode())
            time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        pytest.fail("epitope serve did not answer")
    yield {"base": base, "var": Path(var_dir)}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def test_serves_pages_with_production_headers_and_no_tls_redirect_on_loopback(server):
    status, headers, body = get(server["base"] + "/")
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in headers
    assert "Strict-Transport-Security" not in headers  # plain HTTP on loopback: no HSTS promise
    assert (server["var"] / "secret_key").exists()


def test_static_files_are_fingerprinted_compressed_and_cached_for_ever(server):
    manifest = json.loads((server["var"] / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["epitope/css/site.css"]
    assert hashed != "epitope/css/site.css"
    status, headers, body = get(f"{server['base']}/static/{hashed}", **{"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert headers["Content-Encoding"] in ("br", "gzip")
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]


def test_cached_pages_come_back_whole_from_the_fast_path_with_head_and_conditional_get(server):
    get(server["base"] + "/")  # the first anonymous visit stores the page
    status, headers, body = get(server["base"] + "/")
    assert status == 200 and headers["X-Epitope-Cache"] == "hit"
    assert headers["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in headers
    assert int(headers["Content-Length"]) == len(body) and b"</html>" in body

    request = urllib.request.Request(server["base"] + "/", method="HEAD")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.read() == b""
        assert response.headers["ETag"] == headers["ETag"]

    try:
        get(server["base"] + "/", **{"If-None-Match": headers["ETag"]})
    except urllib.error.HTTPError as exc:
        assert exc.code == 304 and exc.read() == b""
    else:
        pytest.fail("a visitor whose copy is current should get 304 Not Modified")
