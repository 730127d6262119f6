"""The WSGI application `epitope serve` runs: Django behind a page-cache fast path.

A cached page is answered straight from the WSGI environ, before Django builds a request
or runs any middleware; the stored response already carries every header the middleware
added when it was rendered (see PageCacheMiddleware). A miss goes to Django as usual,
flagged so the middleware does not look the page up a second time.

Imported in each granian worker, it first detaches the worker from the server's process
group (detach_granian_worker).
"""

import ctypes
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
    after loading the app, and is sent SIGTERM if the server dies without stopping it.
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
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent.pid:  # the server died before the line above
        os._exit(1)


detach_granian_worker()  # first, so that no stop signal can be lost while Django loads

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.production")


class PageCacheApplication:
    def __init__(self, app):
        from django.conf import settings

        from .middleware import PageCacheMiddleware

        self.app = app
        path = f"{PageCacheMiddleware.__module__}.{PageCacheMiddleware.__name__}"
        self.enabled = path in settings.MIDDLEWARE

    def __call__(self, environ, start_response):
        from . import cache

        if self.enabled:
            stored = cache.lookup(environ)
            if stored is not None:
                return cache.as_wsgi(environ, stored, start_response)
            environ[cache.SKIP_LOOKUP] = True
        return self.app(environ, start_response)


application = PageCacheApplication(get_wsgi_application())
