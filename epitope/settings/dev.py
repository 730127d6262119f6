"""Local development and the demo: debug on, loopback only."""

from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "epitope-dev-only-not-secret"  # noqa: S105 - never used outside DEBUG
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Mail is kept in var/outbox/ (one .eml file each) and listed on the admin's Outbox page.
EMAIL_BACKEND = "epitope.demo.outbox.OutboxBackend"
EPITOPE_OUTBOX_DIR = VAR_DIR / "outbox"  # noqa: F405
WHITENOISE_USE_FINDERS = True
