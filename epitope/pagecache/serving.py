"""The WSGI application `epitope serve` runs: Django behind a page-cache fast path.

A cached page is answered straight from the WSGI environ, before Django builds a request
or runs any middleware; the stored response already carries every header the middleware
added when it was rendered (see PageCacheMiddleware). A miss goes to Django as usual,
flagged so the middleware does not look the page up a second time.

Imported in each granian worker, it first detaches the worker from the server's process
group (detach_granian_worker).
"""

import ctypes
import gc
import multiprocessing
import os
import signal
import sys


def detach_granian_worker():
    """In a granian worker: take stop signals from the server alone, and die with it.

    `epitope serve` has granian replace crashed workers (--respawn-failed-workers). A stop
    signal sent to the whole process group (Ctrl-C, `kill -- -PGID`) used to reach the workers
    too: the server took their exits for crashes and respawned one, whose copy of the server's
    signal handler swallowed the server's own SIGTERM while Django loaded, so the stop waited
    out --workers-kill-timeout. A worker therefore leaves the group (the server stops it
    itself), is ended at once by a stop signal until granian installs its graceful handlers
    after loading the app, and is killed if the server dies without stopping it: a graceful
    stop then has nobody left to enforce its timeout, and an orphan would keep serving.
    """
    parent = multiprocessing.parent_process()
    # granian 2.8 names its worker processes so; anything else importing this module (tests,
    # `epitope demo`'s runserver) is left alone.
    if parent is None or multiprocessing.current_process().name != "granian-worker":
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.setpgid(0, 0)
    if sys.platform == "linux":
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent.pid:  # the server died before the line above
        os._exit(1)


detach_granian_worker()  # first, so that no stop signal can be lost while Django loads

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from epitope.core import health  # noqa: E402

from . import cache  # noqa: E402
from .middleware import PageCacheMiddleware  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.production")


# A full (generation 2) collection walks every tracked object: with Django, Wagtail and the
# first pages' templates, memos and compiled queries, ~180,000 of them, 95 ms on this 2-core
# machine, about once in 2,000 requests. Every request queued behind it waits that long, which
# made most of the uncached pages' p99 at 16 connections (bench/README.md, Page speed). Objects
# alive once the app is loaded, and again once it has served its first pages, live as long as
# the process: gc.freeze() moves them out of the collector's sight (a full collection then
# takes ~1 ms). Cycles among them are never collected, which for these objects loses nothing.
WARM_UP_REQUESTS = 50


class PageCacheApplication:
    def __init__(self, app):
        self.app = app
        path = f"{PageCacheMiddleware.__module__}.{PageCacheMiddleware.__name__}"
        self.enabled = path in settings.MIDDLEWARE
        self.warming = WARM_UP_REQUESTS
        gc.freeze()

    def __call__(self, environ, start_response):
        # The health check must answer when the cache is down, so it skips the cache lookup.
        if self.enabled and environ.get("PATH_INFO") != health.PATH:
            stored = cache.lookup(environ)
            if stored is not None:
                return cache.as_wsgi(environ, stored, start_response)
            environ[cache.SKIP_LOOKUP] = True
        if self.warming:  # unlocked: two threads freezing twice is harmless
            self.warming -= 1
            if not self.warming:
                gc.freeze()
        return self.app(environ, start_response)


application = PageCacheApplication(get_wsgi_application())
