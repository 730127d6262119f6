"""Production: every secret and host comes from the environment; refuses to start without them."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from epitope.cli import version

from .base import *  # noqa: F401,F403
from .base import CACHES, env_bool, env_list
from .error_reports import admins, init_sentry

DEBUG = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Opening SQLite and running its PRAGMAs cost a page about a tenth of its rendering time;
    # each server thread keeps its connection (autocommit: no transaction stays open).
    DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405

try:
    SECRET_KEY = os.environ["EPITOPE_SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured("Set EPITOPE_SECRET_KEY (a long random string).") from exc

ALLOWED_HOSTS = env_list("EPITOPE_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set EPITOPE_ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("EPITOPE_CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy by default; EPITOPE_INSECURE_HTTP=1 for a loopback run
# (`make serve`, benchmarks) where there is no TLS to redirect to.
_https = not env_bool("EPITOPE_INSECURE_HTTP")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = int(os.environ.get("EPITOPE_HSTS_SECONDS", 31536000 if _https else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = env_bool("EPITOPE_HSTS_PRELOAD")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("EPITOPE_S3_BUCKET"):
    # Media in an S3-compatible bucket. Credentials and region stay with boto3's own lookup
    # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, or an instance role), not in
    # OPTIONS: Wagtail writes these options into each queued file-deletion task.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["EPITOPE_S3_BUCKET"],
            "endpoint_url": os.environ.get("EPITOPE_S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("EPITOPE_S3_CUSTOM_DOMAIN") or None,
            # Plain URLs, cacheable by a CDN: the bucket (or the CDN's origin access) must let
            # anyone GET objects, as a public-read bucket policy does.
            "querystring_auth": False,
            # django-storages overwrites an object of the same name by default, so a second
            # editor's "photo.jpg" would replace the first one's picture; keep both, as the
            # file system storage does.
            "file_overwrite": False,
        },
    }

if os.environ.get("EPITOPE_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EPITOPE_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EPITOPE_EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("EPITOPE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EPITOPE_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EPITOPE_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("EPITOPE_FROM_EMAIL", "Epitope <noreply@localhost>")

# Error reports (epitope/settings/error_reports.py): every 500 mailed to EPITOPE_ADMINS, and
# sent to Sentry when EPITOPE_SENTRY_DSN is set.
ADMINS = admins(os.environ)
SERVER_EMAIL = os.environ.get("EPITOPE_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Epitope] "
init_sentry(os.environ, release=version())

# CDN purge through Wagtail's frontend-cache backends.
if os.environ.get("EPITOPE_CLOUDFLARE_ZONEID"):
    WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": os.environ["EPITOPE_CLOUDFLARE_TOKEN"],
            "ZONEID": os.environ["EPITOPE_CLOUDFLARE_ZONEID"],
        }
    }
elif os.environ.get("EPITOPE_PURGE_URL"):
    WAGTAILFRONTENDCACHE = {
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["EPITOPE_PURGE_URL"],
        }
    }

# Wagtail's preview panel frames itself with its own SAMEORIGIN override; nothing else may.
X_FRAME_OPTIONS = "DENY"
# Asking browsers to preload HSTS is a commitment for every subdomain of the site's domain,
# so it is the operator's choice (EPITOPE_HSTS_PRELOAD=1), not something to nag about.
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Page cache (epitope.pagecache.cache): public pages for anonymous visitors, purged precisely on
# publish. EPITOPE_PAGE_CACHE_TIMEOUT=0 turns it off. Every server process must see the same
# store, so it is Redis when configured, else files under var/cache/pages.
EPITOPE_PAGE_CACHE_TIMEOUT = int(os.environ.get("EPITOPE_PAGE_CACHE_TIMEOUT", 3600))
if EPITOPE_PAGE_CACHE_TIMEOUT:
    # Right after the health check, which must answer even when the cache is down.
    MIDDLEWARE = [MIDDLEWARE[0], "epitope.pagecache.middleware.PageCacheMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
if not os.environ.get("REDIS_URL"):
    # Several server processes share one machine: a per-process memory cache would let each
    # keep its own copy of, say, the policy versions after another process forgot them.
    CACHES = {
        **CACHES,
        "default": {
            "BACKEND": "epitope.pagecache.filecache.FileCache",
            "LOCATION": str(Path(VAR_DIR).resolve() / "cache" / "default"),  # noqa: F405
            # Django's default of 300 entries is less than the rendition and picture entries
            # of one archive: past it, writes cull a third of them at random.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
CACHES = {
    **CACHES,
    "pages": {
        "BACKEND": "epitope.pagecache.filecache.FileCache",
        "LOCATION": str(Path(VAR_DIR).resolve() / "cache" / "pages"),  # noqa: F405
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
# One stat() of this file per request tells a server process whether any purge happened.
EPITOPE_PAGE_CACHE_GENERATION_FILE = str(Path(VAR_DIR).resolve() / "cache" / "pages.generation")  # noqa: F405
if os.environ.get("REDIS_URL"):
    EPITOPE_PAGE_CACHE_GENERATION_FILE = None  # purges may come from other machines
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": CACHES["default"].get("KEY_PREFIX", "epitope") + ":pages"}

# A loopback run with no web server in front (`epitope serve` on 127.0.0.1) serves uploaded
# media itself; a real deployment serves them from the web server or object storage.
EPITOPE_SERVE_MEDIA = env_bool("EPITOPE_SERVE_MEDIA")
