"""Login throttling (django-axes): whose address a request comes from, and the lockout page.

Axes counts failed logins per user name and per client address and refuses both once either
reaches AXES_FAILURE_LIMIT, until AXES_COOLOFF_TIME has passed or an administrator unlocks them
(`epitope axes_reset_username NAME`, `epitope axes_reset_ip ADDRESS`, or deleting the access
attempts in /django-admin/axes/accessattempt/).
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit


def _trusted_proxies():
    networks = []
    for entry in getattr(settings, "EPITOPE_TRUSTED_PROXIES", ()):
        networks.append(ipaddress.ip_network(entry, strict=False))
    return networks


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request):
    """Return the client's address: REMOTE_ADDR, or behind trusted proxies the X-Forwarded-For hop before them.

    `epitope serve` (granian) sets REMOTE_ADDR to whoever opened the connection: behind a TLS
    proxy that is the proxy, so every visitor would share one address (one lockout for all).
    Only hops appended by proxies listed in EPITOPE_TRUSTED_PROXIES are skipped; anything a
    client wrote into the header itself stays to the left of them and is never believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop if _is_address(hop) else remote  # the database keeps addresses only
    return hops[0] if hops and _is_address(hops[0]) else remote


def _is_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def lockout_response(request, original_response=None, credentials=None):
    """Return the page a locked-out login gets: what happened, until when, and who can unlock it."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": timezone.now() + cool_off if cool_off else None,
    }
    return render(request, "core/login_locked.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class RequestlessLoginBackend(AxesStandaloneBackend):
    """The test suite's backend: axes' own, except that authenticate() without a request passes.

    Only the test client's login() and code with no HTTP client behind it authenticate without
    a request; axes refuses them outright. Every login over HTTP carries its request and is
    checked exactly as in production.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
