"""The WSGI application `epitope serve` runs: Django behind a page-cache fast path.

A cached page is answered straight from the WSGI environ, before Django builds a request
or runs any middleware; the stored response already carries every header the middleware
added when it was rendered (see PageCacheMiddleware). A miss goes to Django as usual,
flagged so the middleware does not look the page up a second time.
"""

import os

from django.core.wsgi import get_wsgi_application

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
