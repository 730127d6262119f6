"""`/healthz`: can this server answer — are its database and cache reachable?

For load balancers and container healthchecks. They probe a server by its own address, over
plain HTTP, so the answer comes from the first middleware, before host validation and the
HTTPS redirect, and whatever the Host header: it says nothing but "ok" or "unreachable" per
part (the reason goes to the log, never to the prober). It is never stored by the page cache
nor by any cache in front (Cache-Control: no-store).
"""

import logging
import secrets

from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

PATH = "/healthz"
logger = logging.getLogger("epitope.health")


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # A write and a read: a cache that answers reads but refuses writes cannot purge pages.
    token = secrets.token_hex(8)
    cache = caches["default"]
    cache.set("epitope:healthz", token, timeout=30)
    if cache.get("epitope:healthz") != token:
        raise RuntimeError("the value written could not be read back")


CHECKS = {"database": check_database, "cache": check_cache}


def report():
    """Return (HTTP status, {"status": …, part: "ok" | "unreachable"}) of a check of every part."""
    parts = {}
    for name, check in CHECKS.items():
        try:
            check()
            parts[name] = "ok"
        except Exception as exc:  # any failure means the part cannot serve; the log says which
            logger.warning("health: %s unreachable: %s: %s", name, type(exc).__name__, exc)
            parts[name] = "unreachable"
    healthy = all(state == "ok" for state in parts.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "error", **parts}


class HealthMiddleware:
    """Answer PATH before any other middleware (first in MIDDLEWARE); pass everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH:
            return self.get_response(request)
        status, body = report()
        response = JsonResponse(body, status=status)
        add_never_cache_headers(response)
        return response
