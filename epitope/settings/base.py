"""Settings shared by every profile. Anything a deployment changes comes from the environment."""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("EPITOPE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


EPITOPE_APPS = [
    "epitope.core",
    "epitope.topics",
    "epitope.articles",
    "epitope.privacy",
    "epitope.ingest",
    "epitope.classify",
    "epitope.feeds",
    "epitope.search",
    "epitope.newsletter",
]

INSTALLED_APPS = EPITOPE_APPS + [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "epitope.core.visibility.PurgeAfterChangesMiddleware",  # CDN purges owed by a privacy change
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "epitope.core.routes.RouteMiddleware",  # remembered page routes: fewer queries per page
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
            ],
        },
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
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
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
    "EXCLUDE_URL_PREFIXES": ["/admin", "/django-admin"],
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

# Page cache: the query parameters a public listing understands (any other one is not cached):
# paging, story type and the classifier's facet filters (epitope.topics.facet_filters).
EPITOPE_PAGE_CACHE_QUERY_PARAMS = ("page", "type", "modality", "cancer_type", "target", "evidence")
