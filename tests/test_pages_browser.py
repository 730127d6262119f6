"""Real-browser checks of what readers see: hub cards and paging, and axe-core on every page type."""

import datetime
import json
from pathlib import Path

import pytest

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def site():
    from epitope.privacy.models import PolicyPage

    site = f.hub_site()
    for n in range(14):
        f.article(
            site["index"], f"Story number {n}", [site["cell"] if n % 2 else site["vaccines"]],
            article_type="feature" if n % 3 == 0 else "news",
            date=datetime.date(2026, 10, 1) + datetime.timedelta(days=n),
            alt=f"Illustration {n}: immune cells around a tumour", hero=n >= 10,
            body=[("paragraph", "<p>Body text with a <a href='https://example.org/'>link</a>.</p>")],
        )
    for kind, title, slug in [("privacy", "Privacy Policy", "privacy-policy"), ("cookies", "Cookie Policy", "cookie-policy")]:
        page = PolicyPage(title=title, slug=slug, kind=kind, version="2026-11", body="<p>What we collect and why.</p>", live=False)
        site["home"].add_child(instance=page)
        page.save_revision().publish()
    _research(site)
    return site


def _research(site):
    """Give the cancer hub a "Latest research" panel and its research page something to list."""
    from epitope.ingest.models import Source
    from epitope.ingest.pipeline import ingest_records
    from epitope.ingest.records import Record

    source = Source.objects.create(name="Demo journal", kind="rss", url="https://example.org/feed.xml",
                                   topic=site["cancer"], public=True)
    ingest_records(source, [
        Record(title="CD19 CAR-T cells in lymphoma", summary="A phase 1 trial of CD19 CAR-T cells in 20 lymphoma patients.",
               link="https://example.org/paper/1", identifiers={"doi": "10.5555/axe.1"}, kind="paper",
               published=datetime.datetime(2026, 10, 20, tzinfo=datetime.UTC)),
        Record(title="PD-1 blockade in melanoma mice", summary="A PD-1 inhibitor shrank melanoma in mice; treated mice lived.",
               link="https://example.org/paper/2", identifiers={"doi": "10.5555/axe.2"}, kind="preprint",
               published=datetime.datetime(2026, 10, 21, tzinfo=datetime.UTC)),
    ])


@pytest.fixture
def a11y_page(browser):
    # axe is injected as an inline script, which the site's CSP (rightly) forbids.
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def test_hub_cards_newest_first_and_paging(live_server, page, site):
    page.goto(live_server.url + "/cancer-immunology/")
    assert page.locator("h1").inner_text() == "Cancer Immunology – News and Features"
    cards = page.locator("article.card")
    assert cards.count() == 12
    assert cards.first.locator("h2").inner_text() == "Story number 13"
    images = page.locator("article.card img")
    for i in range(images.count()):
        assert images.nth(i).get_attribute("alt"), "every card image has alt text"
        assert images.nth(i).get_attribute("width") and images.nth(i).get_attribute("height")
    assert images.nth(0).get_attribute("loading") != "lazy"  # the first card is above the fold
    assert images.nth(1).get_attribute("loading") == "lazy"
    page.get_by_role("link", name="Older stories").click()
    page.wait_for_url("**/cancer-immunology/?page=2")
    assert [t.inner_text() for t in page.locator("article.card h2").all()] == ["Story number 1", "Story number 0"]
    page.get_by_role("link", name="Story number 1").click()
    assert page.locator("h1").inner_text() == "Story number 1"


def test_type_filter(live_server, page, site):
    page.goto(live_server.url + "/cancer-immunology/")
    page.get_by_role("navigation", name="Story type").get_by_role("link", name="Feature").click()
    page.wait_for_url("**?type=feature")
    assert page.locator("article.card .card-type").all_text_contents() == ["Feature"] * 5


def _violations(page, url):
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("path", ["/", "/cancer-immunology/", "/cancer-immunology/?page=2", "/articles/", "ARTICLE", "/privacy-policy/", "/cookie-policy/",
                                  "/cancer-immunology/?modality=car-t", "/cancer-immunology/research/"])
def test_axe_reports_no_violations(live_server, a11y_page, site, path):
    if path == "ARTICLE":
        path = site["index"].get_children().live().last().url
    violations = _violations(a11y_page, live_server.url + path)
    assert violations == [], json.dumps(violations, indent=1)
