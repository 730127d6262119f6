"""Build the two policy pages the consent tests need, and publish new versions of them."""

import datetime


def policy_pages(home, privacy_version="1", cookie_version="1"):
    """Return (privacy, cookies): PolicyPages published under `home` at /privacy-policy/, /cookie-policy/."""
    from epitope.privacy.models import PolicyPage

    privacy = PolicyPage(
        title="Privacy Policy",
        slug="privacy-policy",
        kind="privacy",
        version=privacy_version,
        effective_date=datetime.date(2026, 11, 1),
        body="<p>What we collect and why.</p>",
    )
    cookies = PolicyPage(
        title="Cookie Policy",
        slug="cookie-policy",
        kind="cookies",
        version=cookie_version,
        effective_date=datetime.date(2026, 11, 1),
        body="<p>Which cookies we use.</p>",
    )
    for page in (privacy, cookies):
        home.add_child(instance=page)
        page.save_revision().publish()
    return privacy, cookies


def publish_version(page, version, summary=""):
    """Publish a new revision of a policy page with `version` (and the notice's summary)."""
    page = page.specific.__class__.objects.get(pk=page.pk)
    page.version = version
    page.summary = summary
    page.save_revision().publish()
    return page
