"""Where server errors are reported: mail to EPITOPE_ADMINS, and Sentry when EPITOPE_SENTRY_DSN is set.

Mail is Django's own: with ADMINS set and DEBUG off, every 500 is mailed by
AdminEmailHandler (the `django` logger's `mail_admins` handler, kept by Epitope's LOGGING)
through the SMTP settings the newsletter uses. Sentry is optional (`pip install
'epitope[sentry]'`); it is initialised only when its DSN is set, and sends no personal data.
"""

import re
from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured


def admins(environ):
    """Return ADMINS from EPITOPE_ADMINS: "Ops <ops@example.org>, dev@example.org"."""
    raw = environ.get("EPITOPE_ADMINS", "").strip()
    if not raw:
        return []
    # A trailing comma adds no one; an address needs something on both sides of one "@".
    pairs = [(name, address) for name, address in getaddresses([raw]) if name or address]
    bad = [address for _, address in pairs if not re.fullmatch(r"[^@\s]+@[^@\s]+", address)]
    if bad or not pairs:
        raise ImproperlyConfigured(f"EPITOPE_ADMINS: not a list of email addresses: {raw!r}")
    return [(name or address, address) for name, address in pairs]


def init_sentry(environ, release):
    """Start Sentry's Django integration if EPITOPE_SENTRY_DSN is set; return whether it started."""
    dsn = environ.get("EPITOPE_SENTRY_DSN", "").strip()
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "EPITOPE_SENTRY_DSN is set but sentry-sdk is not: pip install 'epitope[sentry]'"
        ) from None
    sentry_sdk.init(
        dsn=dsn,
        environment=environ.get("EPITOPE_SENTRY_ENVIRONMENT", "production"),
        release=f"epitope@{release}",
        send_default_pii=False,  # no addresses, cookies or user names of readers or editors
    )
    return True
