"""A reader searches from the header box, sees the match highlighted and follows it."""

import datetime
import json

import pytest

from epitope.ingest.models import Source
from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record
from tests import factories as f
from tests.test_pages_browser import _violations

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
    # Every word must match, and "OR" is a word here: nothing matches all three, so the search
    # is broadened to any of them, and says so.
    assert page.locator(".search-summary").inner_text().startswith("Nothing has every word of “vaccine OR lymphoma”")
    page.goto(live_server.url + "/search/?q=cells")
    page.locator('a[data-facet="topic"]', has_text="Cell therapy").click()
    page.wait_for_url("**topic=cell-therapy**")
    assert page.locator(".search-results article.card h2").all_inner_texts() == ["CAR-T cells clear lymphoma in a trial"]


SIZES = [(1280, 800), (390, 844)]
FIELD_TERMS = ["CAR-T", "PD-1", "B7-H4"]


@pytest.fixture
def field_site():
    """Stories and a public paper whose text has the field's names beside words that start alike."""
    site = f.hub_site()
    f.article(site["index"], "CAR-T cells reach solid tumours", [site["cell"]], hero=False,
              standfirst="The therapy that treats leukaemia meets carcinomas, too.", date=datetime.date(2026, 10, 1))
    f.article(site["index"], "PD-1 blockade beyond melanoma", [site["cancer"]], alt="Melanoma cells in a dish",
              standfirst="Not PD-10, not PD-L1: the PD-1 receptor, to the point.", date=datetime.date(2026, 10, 2))
    f.article(site["index"], "B7-H4 on ovarian tumours", [site["cancer"]], hero=False,
              standfirst="B7-H4, unlike B7-H3, marks the tumour's edge.", date=datetime.date(2026, 10, 3))
    source = Source.objects.create(name="Journal of Tumour Immunity", kind="rss", url="https://example.org/feed.xml",
                                   topic=site["cancer"], public=True)
    ingest_records(source, [Record(
        title="CD19 CAR-T cells in children with leukaemia",
        summary="A phase 2 trial of CD19 CAR-T cells in 30 children with B-cell acute lymphoblastic leukaemia.",
        link="https://example.org/paper/1", identifiers={"doi": "10.5555/search.1"}, kind="paper",
        published=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC))])
    return site


def _sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width,height", SIZES, ids=["1280", "390"])
@pytest.mark.parametrize("typed", FIELD_TERMS)
def test_a_field_term_is_shown_as_typed_and_only_it_is_highlighted(live_server, browser, field_site, typed, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/search/")
    page.locator("#search-q").fill(typed)
    page.locator("#search-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator("#search-q").input_value() == typed
    assert page.locator("header .site-search input[name=q]").input_value() == typed
    assert page.locator(".search-summary").inner_text() == f"1 result for “{typed}”"
    marks = page.locator("main mark").all_inner_texts()
    assert marks and set(marks) == {typed}
    assert _sideways_scroll(page) == 0
    context.close()


@pytest.mark.parametrize("width,height", SIZES, ids=["1280", "390"])
def test_a_public_paper_is_found_by_search_with_its_badge_and_a_link_to_the_original(live_server, browser, field_site,
                                                                                      width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/search/?q=leukaemia")
    research = page.get_by_role("region", name="Research")
    link = research.get_by_role("link", name="CD19 CAR-T cells in children with leukaemia")
    assert link.get_attribute("href") == "https://example.org/paper/1"
    assert research.locator(".research-kind").inner_text() == "Paper"
    assert research.locator("mark").all_inner_texts() == ["leukaemia"]
    # Beside the stories on a wide screen, under them on a phone.
    stories, paper = page.locator(".search-results").bounding_box(), research.bounding_box()
    if width >= 1024:
        assert paper["x"] > stories["x"] + stories["width"] - 1
    else:
        assert paper["y"] > stories["y"]
    assert _sideways_scroll(page) == 0
    context.close()


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_the_search_page_never_scrolls_sideways(live_server, browser, field_site, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for query in ["", "?q=CAR-T", "?q=CAR-T+glioblastoma", "?q=" + "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3]:
        page.goto(live_server.url + "/search/" + query)
        assert _sideways_scroll(page) == 0, (width, query)
    context.close()


@pytest.mark.parametrize("width,height", SIZES, ids=["1280", "390"])
@pytest.mark.parametrize("query", ["", "?q=CAR-T", "?q=leukaemia", "?q=CAR-T+glioblastoma"])
def test_the_search_page_has_no_axe_violations(live_server, browser, field_site, query, width, height):
    # axe is injected as an inline script, which the site's CSP (rightly) forbids.
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
    violations = _violations(context.new_page(), live_server.url + "/search/" + query)
    context.close()
    assert violations == [], json.dumps(violations, indent=1)
