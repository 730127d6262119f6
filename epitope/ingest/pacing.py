"""How fast Epitope asks one host: a pace per host, shared by every worker through the database.

NCBI allows 3 E-utilities requests a second, 10 with an API key, counted per user, not per
process: two workers that each kept to 3 a second would send 6. So each request first reserves
the next free slot for its host in one atomic statement on a row every process shares
(`HostPace`), then sleeps until that slot: consecutive requests to a host, from any process on
any machine, go at least 1/rate seconds apart (plus a tenth, `HEADROOM`). The time is the database's clock, so machines
whose clocks differ still share one timeline. One row update per request costs far less than
the request; a slot reserved by a process that dies before sending is simply not used.

Other hosts get a polite default pace (EPITOPE_FETCH_HOST_RATE requests a second, default 2).
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from django.conf import settings

from .sources import pubmed
from .storage import host_paces

log = logging.getLogger("epitope.ingest")

DEFAULT_HOST_RATE = 2.0
NCBI_RATE, NCBI_KEYED_RATE = 3.0, 10.0
# Slots are 10% further apart than the rate alone asks: a request that leaves late (a busy
# machine, a slow network) then still cannot arrive within a second of the three before it.
HEADROOM = 1.1


def ncbi_api_key() -> str:
    return getattr(settings, "EPITOPE_NCBI_API_KEY", "") or ""


def eutils_base() -> str:
    base = getattr(settings, "EPITOPE_NCBI_EUTILS_URL", "") or pubmed.EUTILS
    return base if base.endswith("/") else base + "/"


def rate_for(host: str) -> float:
    """Return the requests a second allowed to `host`."""
    if host == (urlsplit(eutils_base()).hostname or ""):
        return NCBI_KEYED_RATE if ncbi_api_key() else NCBI_RATE
    return float(getattr(settings, "EPITOPE_FETCH_HOST_RATE", DEFAULT_HOST_RATE) or DEFAULT_HOST_RATE)


def reserve(host: str, interval: float) -> float:
    """Take the next slot for `host` and move the host's next slot `interval` later; return the
    seconds until the slot taken (0 if it is now)."""
    return max(0.0, host_paces.reserve(host, interval))


def wait_turn(url: str, sleep=time.sleep) -> float:
    """Block until a request to `url`'s host may go; return the seconds waited."""
    host = (urlsplit(url).hostname or "").lower()
    wait = reserve(host, HEADROOM / rate_for(host))
    if wait:
        sleep(wait)
    return wait
