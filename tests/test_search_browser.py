"""A reader searches from the header box, sees the match highlighted and follows it."""

import datetime

import pytest

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Record CSP violations as the page reports them, before any of its own scripts run.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def site():
    site = f.hub_site()
    f.article(site["index"], "CAR-T cells clear lymphoma in a trial", [site["cell"]], byline="By Ada Lovelace",
              standfirst="Most patients with lymphoma responded.", date=datetime.date(2026, 10, 1))
    f.article(site["index"], "A melanoma vaccine", [site["vaccines"]], hero=False, date=datetime.date(2026, 10, 2))
    return site


def test_search_from_header_highlights_and_follows_result(live_server, page, site):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(CSP_LISTENER)
    page.goto(live_server.url + "/cancer-immunology/")
    box = page.locator("header .site-search input[name=q]")
    box.fill("Lymphoma")
    box.press("Enter")
    page.wait_for_url("**/search/?q=Lymphoma")

    cards = page.locator(".search-results article.card")
    assert cards.count() == 1
    marks = cards.first.locator("mark")
    assert [m.inner_text() for m in marks.all()] == ["lymphoma", "lymphoma"]  # title and standfirst
    assert page.locator(".search-summary").inner_text().startswith("1 result")
    assert page.locator("header .site-search input[name=q]").input_value() == "Lymphoma"

    cards.first.get_by_role("link").click()
    page.wait_for_url("**/articles/car-t-cells-clear-lymphoma-in-a-trial/")
    assert page.locator("h1").inner_text() == "CAR-T cells clear lymphoma in a trial"
    jsonld = page.locator('script[type="application/ld+json"]')
    assert '"@type": "NewsArticle"' in jsonld.inner_text()
    assert page.evaluate("window.__cspViolations") == []
    assert not [e for e in errors if "Content Security Policy" in e]


def test_facet_link_narrows_results(live_server, page, site):
    page.goto(live_server.url + "/search/?q=a")
    page.locator("header .site-search input[name=q]").fill("vaccine OR lymphoma")
    page.locator("header .site-search button").click()
    # Every word must match, and "OR" is a word here: nothing matches all three.
    assert page.locator(".search-summary").inner_text().startswith("No stories match")
    page.goto(live_server.url + "/search/?q=cells")
    page.locator('a[data-facet="topic"]', has_text="Cell therapy").click()
    page.wait_for_url("**topic=cell-therapy**")
    assert page.locator(".search-results article.card h2").all_inner_texts() == ["CAR-T cells clear lymphoma in a trial"]
