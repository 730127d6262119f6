"""In Chromium: author pages pass axe at both sizes; an article page asks nothing of another site."""

import datetime
import json
from urllib.parse import urlsplit

import pytest

from epitope.core.site_setup import ensure_author_index
from tests import factories as f
from tests.test_pages_browser import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def site():
    site = f.hub_site()
    authors = ensure_author_index(site["home"])
    site["ada"] = f.author(authors, "Ada Lovelace", role="Senior reporter",
                           bio="<p>Ada covers <a href='https://example.org/'>CAR-T</a>.</p>",
                           photo_alt="Illustrated portrait of Ada Lovelace")
    f.author(authors, "Alan Turing", photo_alt=None)
    for n in range(3):
        story = f.article(site["index"], f"Story {n}", [site["cell"]], date=datetime.date(2026, 10, n + 1),
                          alt=f"Illustration {n}: immune cells around a tumour",
                          corrections="<p>An earlier version misspelt a name.</p>" if n == 2 else "",
                          body=[("paragraph", "<p>CAR-T cells " + "and more words " * 300 + "</p>")])
        site["story"] = f.by(story, site["ada"])
    return site


@pytest.fixture
def sized_page(browser, request):
    context = browser.new_context(bypass_csp=True, viewport=SIZES[request.param])  # axe is injected inline
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("sized_page", list(SIZES), indirect=True)
@pytest.mark.parametrize("path", ["/authors/", "/authors/ada-lovelace/", "/authors/alan-turing/", "STORY"])
def test_author_pages_and_a_story_with_authors_pass_axe_and_do_not_scroll_sideways(live_server, sized_page, site, path):
    path = site["story"].url if path == "STORY" else path
    violations = _violations(sized_page, live_server.url + path)
    assert violations == [], json.dumps(violations, indent=1)
    width = sized_page.evaluate("document.documentElement.scrollWidth")
    assert width <= sized_page.viewport_size["width"], f"{path} is {width}px wide"


def test_an_article_page_requests_nothing_from_another_site(live_server, page, site):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + site["story"].url, wait_until="networkidle")
    assert page.get_by_role("link", name="Bluesky").is_visible()  # the share links are there, as plain links
    ours = urlsplit(live_server.url).netloc
    assert requested and all(urlsplit(url).netloc == ours for url in requested if not url.startswith("data:")), requested


def test_byline_leads_to_the_author_page_and_its_feed(live_server, page, site):
    page.goto(live_server.url + site["story"].url)
    assert page.locator(".byline").inner_text().startswith("By Ada Lovelace")
    assert "min read" in page.locator(".byline").inner_text()
    page.locator(".byline").get_by_role("link", name="Ada Lovelace").click()
    page.wait_for_url("**/authors/ada-lovelace/")
    assert page.locator("h1").inner_text() == "Ada Lovelace"
    assert page.locator("article.card h3").all_inner_texts() == ["Story 2", "Story 1", "Story 0"]
    response = page.request.get(live_server.url + page.get_by_role("link", name="Atom").get_attribute("href"))
    assert response.ok and "<feed" in response.text()
