"""Fast settings for the test suite: MD5 hashing, immediate tasks, local memory cache."""

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "epitope-test-only"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_USE_FINDERS = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}  # whatever the shell says
STATIC_ROOT = None  # WhiteNoise serves from the finders in tests; nothing is collected
# Axes refuses authenticate() without a request, which the test client's login() makes;
# logins over HTTP are throttled exactly as in production.
AUTHENTICATION_BACKENDS = [
    "epitope.core.login_throttle.RequestlessLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]
