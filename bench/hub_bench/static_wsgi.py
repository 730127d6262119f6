"""The server's own ceiling: a WSGI app that only returns the cached hub HTML, under the same server."""

import os

BODY = open(os.environ["EPITOPE_BENCH_HTML"], "rb").read()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
