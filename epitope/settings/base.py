"""Settings shared by every profile. Anything a deployment changes comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url

from .search_backend import require_client, search_backends

PROJECT_DIR = Path(__file__).resolve().parent.parent  # the `epitope` package, in a checkout or site-packages
BASE_DIR = PROJECT_DIR.parent


def default_var_dir(environ=os.environ, base_dir=BASE_DIR):
    """Where data lives when EPITOPE_VAR_DIR is unset: a checkout's var/, else the user's data folder.

    An installed package must not write beside itself in site-packages, nor into a working
    directory that may be `/` (systemd's default): it uses $XDG_DATA_HOME/epitope, i.e.
    ~/.local/share/epitope.
    """
    if (base_dir / "manage.py").is_file() and (base_dir / "pyproject.toml").is_file():
        return base_dir / "var"
    data_home = environ.get("XDG_DATA_HOME") or Path(environ.get("HOME") or Path.home()) / ".local" / "share"
    return Path(data_home) / "epitope"


VAR_DIR = Path(os.environ.get("EPITOPE_VAR_DIR") or default_var_dir())


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


EPITOPE_APPS = [
    "epitope.core",
    "epitope.pagecache",
    "epitope.topics",
    "epitope.articles",
    "epitope.privacy",
    "epitope.ingest",
    "epitope.classify",
    "epitope.feeds",
    "epitope.search",
    "epitope.newsletter",
    "epitope.demo",
]

INSTALLED_APPS = EPITOPE_APPS + [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail.api.v2",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
]

MIDDLEWARE = [
    "epitope.core.health.HealthMiddleware",  # first: /healthz answers probes by address over HTTP
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "epitope.pagecache.visibility.PurgeAfterChangesMiddleware",  # CDN purges owed by a privacy change
    "epitope.core.csp.AreaCSPMiddleware",  # django-csp's, with the admin's own policies
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "epitope.pagecache.routes.RouteMiddleware",  # remembered page routes: fewer queries per page
    "axes.middleware.AxesMiddleware",  # last, as axes asks: turns a lockout into its page
]

ROOT_URLCONF = "epitope.urls"
WSGI_APPLICATION = "epitope.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "epitope.privacy.context_processors.privacy",
                "epitope.demo.context_processors.outbox",  # where the demo keeps its mail, if it does
            ],
        },
    },
    {
        # Markup on the hot paths (cards, filter bar, research items, chrome, tag lines): macros
        # under templates/jinja2/, compiled once per process (epitope.core.jinja).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PROJECT_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "epitope.core.jinja.environment", "autoescape": True},
    },
]

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL for scale-out.
# WAL lets readers go on while the ingest worker writes; IMMEDIATE avoids the
# "database is locked" upgrade deadlock between two writers.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'epitope.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "epitope",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("EPITOPE_CACHE_PREFIX", "epitope"),
    }

# Login throttling (django-axes, epitope/core/login_throttle.py): after AXES_FAILURE_LIMIT failed
# sign-ins for one user name, or from one address, both are refused (the right password too)
# for AXES_COOLOFF_TIME after the last failure, or until an administrator unlocks them. Each
# refused attempt costs no password hash. Attempts are rows in the database (SQLite or
# PostgreSQL alike), so every server process sees the same counts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any hashing
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("EPITOPE_LOGIN_FAILURE_LIMIT", 5))
_cool_off_minutes = float(os.environ.get("EPITOPE_LOGIN_COOLOFF_MINUTES", 15))
# 0: a lock stays until an administrator lifts it.
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_cool_off_minutes) if _cool_off_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
AXES_RESET_ON_SUCCESS = True  # a typo or two before the right password is forgotten
AXES_LOCKOUT_CALLABLE = "epitope.core.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "epitope.core.login_throttle.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # keep failures (what throttling needs), not a log of every editor's logins
AXES_VERBOSE = False
# Proxies (addresses or networks) in front of `epitope serve` whose X-Forwarded-For is believed;
# without them every client behind the proxy would share its address.
EPITOPE_TRUSTED_PROXIES = env_list("EPITOPE_TRUSTED_PROXIES")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("EPITOPE_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Tasks: the database backend needs no extra service (`epitope worker` runs them).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "EPITOPE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        )
    }
}

# Wagtail
WAGTAIL_SITE_NAME = "Epitope"
WAGTAILIMAGES_IMAGE_MODEL = "core.EpitopeImage"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "avif", "webp": "webp"}
# The database backend unless EPITOPE_SEARCH_BACKEND names one of Wagtail's OpenSearch or
# Elasticsearch backends (epitope/settings/search_backend.py).
WAGTAILSEARCH_BACKENDS = search_backends(os.environ)
require_client(WAGTAILSEARCH_BACKENDS)
WAGTAILADMIN_BASE_URL = os.environ.get("EPITOPE_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILFRONTENDCACHE = {}

# Content-Security-Policy for public pages: only our own scripts; no inline script
# is used, so no nonce is needed and pages stay cacheable.
EPITOPE_ANALYTICS_SCRIPT_URL = os.environ.get("EPITOPE_ANALYTICS_SCRIPT_URL", "")
_analytics_origin = ""
if EPITOPE_ANALYTICS_SCRIPT_URL:
    from urllib.parse import urlsplit

    _parts = urlsplit(EPITOPE_ANALYTICS_SCRIPT_URL)
    _analytics_origin = f"{_parts.scheme}://{_parts.netloc}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"] + ([_analytics_origin] if _analytics_origin else []),
        "connect-src": ["'self'"] + ([_analytics_origin] if _analytics_origin else []),
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# The admin (/admin/, /django-admin/; epitope/core/csp.py says why each allowance is there).
# Only our own origin: no third-party host for scripts, styles, images, frames or connections.
EPITOPE_ADMIN_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],  # Wagtail's widgets write inline init scripts
    "style-src": ["'self'", "'unsafe-inline'"],  # the accessibility checker injects <style>
    "img-src": ["'self'", "data:", "blob:"],  # upload previews
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "frame-src": ["'self'"],  # the preview panel
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# The sign-in and password-reset pages: no inline script or style at all.
EPITOPE_SIGN_IN_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# The dashboard's update check fetches releases.wagtail.org from the browser, and avatars come
# from gravatar.com: both third-party hosts the admin's policy refuses, so both are off.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"

# Essential cookies only: the session/CSRF cookies are set only for admin users.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "epitope": {"handlers": ["console"], "level": os.environ.get("EPITOPE_LOG_LEVEL", "INFO")},
    },
}
WAGTAILIMAGES_IMAGE_FORM_BASE = "epitope.core.forms.ImageForm"

# Ingestion: fetching private/loopback addresses is refused unless this is on (local testing).
EPITOPE_FETCH_ALLOW_PRIVATE = env_bool("EPITOPE_FETCH_ALLOW_PRIVATE")
# Requests a second to any one host, shared by every worker (`ingest/pacing.py`); NCBI's own
# limit (3, or 10 with an API key) applies to the E-utilities host.
EPITOPE_FETCH_HOST_RATE = float(os.environ.get("EPITOPE_FETCH_HOST_RATE") or 2)
# NCBI E-utilities: the key, and the address NCBI may write to (else DEFAULT_FROM_EMAIL's, if
# real); the base URL is for a mirror or a test server.
EPITOPE_NCBI_API_KEY = os.environ.get("EPITOPE_NCBI_API_KEY") or os.environ.get("NCBI_API_KEY", "")
EPITOPE_NCBI_EMAIL = os.environ.get("EPITOPE_NCBI_EMAIL", "")
EPITOPE_NCBI_EUTILS_URL = os.environ.get("EPITOPE_NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/")
# How long a source's claim lasts unless its run renews it (`ingest/claims.py`).
EPITOPE_INGEST_CLAIM_SECONDS = float(os.environ.get("EPITOPE_INGEST_CLAIM_SECONDS") or 30 * 60)

# Page cache: the query parameters a public listing understands (any other one is not cached):
# paging, story type and the concept filters (epitope.topics.concept_filters.PARAMS).
EPITOPE_PAGE_CACHE_QUERY_PARAMS = ("page", "type", "modality", "cancer_type", "target", "evidence")
