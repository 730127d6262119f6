"""Local development and the demo: debug on, loopback only."""

from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "epitope-dev-only-not-secret"  # noqa: S105 - never used outside DEBUG
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WHITENOISE_USE_FINDERS = True
