"""What a reader sees first, on a phone and a desktop, in Debian's Chromium (issue 26).

Stories come first on hubs, the home page and the story index, with the consent banner showing
or not; the filters and the menu are one keyboard press away and work without JavaScript; no
public page scrolls sideways; axe-core finds nothing in the light or the dark scheme.
"""

import datetime
import json
import re
from pathlib import Path

import pytest

from epitope.newsletter import tokens
from epitope.newsletter.models import Subscriber, Subscription
from tests import factories as f
from tests.privacy_pages import policy_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = (1280, 800), (390, 844)

# The demo hub's intro: a first screen must hold it, the heading and the first story.
INTRO = ("<p>The latest research on harnessing the immune system against cancer: engineered cell therapies, "
         "vaccines, checkpoint drugs and the tumour microenvironment, with news on trials and features that put "
         "the results in context.</p>")

# Standfirsts the classifier tags with many facet values: the hub's filter bar gets a few dozen options.
STANDFIRSTS = [
    "A phase 1 trial gave CD19 CAR-T cells to 24 patients with lymphoma after chemotherapy failed.",
    "In mice with melanoma, a PD-1 inhibitor shrank tumours when combined with a cancer vaccine.",
    "A BCMA bispecific antibody was given to patients with multiple myeloma in a phase 2 trial.",
    "An mRNA neoantigen vaccine was tested in pancreatic cancer patients after surgery.",
    "Tumour-infiltrating lymphocytes treated metastatic melanoma in a phase 3 trial.",
    "CTLA-4 and PD-L1 blockade in non-small cell lung cancer: a randomised phase 2 trial.",
    "CAR-NK cells against glioblastoma in mouse models, with IL-15 support.",
    "A LAG-3 antibody with nivolumab in colorectal cancer, tested in organoids.",
]


@pytest.fixture
def site():
    """A hub with fourteen stories (four with pictures), its research page, both policies and an intro."""
    from epitope.ingest.models import Source
    from epitope.ingest.pipeline import ingest_records
    from epitope.ingest.records import Record

    site = f.hub_site()
    hub = site["cancer_hub"]
    hub.intro = INTRO
    hub.save_revision().publish()
    for n in range(14):
        f.article(
            site["index"], f"Story number {n}", [site["cell"] if n % 2 else site["vaccines"]],
            article_type="feature" if n % 3 == 0 else "news", standfirst=STANDFIRSTS[n % len(STANDFIRSTS)],
            date=datetime.date(2026, 10, 1) + datetime.timedelta(days=n),
            alt=f"Illustration {n}: immune cells around a tumour", hero=n >= 10,
            body=[("paragraph", "<p>Body text with a <a href='https://example.org/'>link</a>.</p>")],
        )
    policy_pages(site["home"], privacy_version="2026-11", cookie_version="1")
    source = Source.objects.create(name="Demo journal", kind="rss", url="https://example.org/feed.xml",
                                   topic=site["cancer"], public=True)
    ingest_records(source, [Record(
        title="CD19 CAR-T cells in lymphoma", summary="A phase 1 trial of CD19 CAR-T cells in 20 lymphoma patients.",
        link="https://example.org/paper/1", identifiers={"doi": "10.5555/layout.1"}, kind="paper",
        published=datetime.datetime(2026, 10, 20, tzinfo=datetime.UTC))])
    site["article"] = site["index"].get_children().live().last().url
    subscription = Subscription.objects.create(subscriber=Subscriber.objects.create(email="reader@example.org"))
    subscription.topics.set([site["cancer"]])
    site["newsletter"] = [f"/newsletter/confirm/{tokens.confirm_token(subscription)}/",
                          f"/newsletter/manage/{tokens.manage_token(subscription.subscriber)}/",
                          "/newsletter/confirm/not-a-token/"]
    return site


def public_pages(site):
    """Every public page type but search (its own tests: the "search" work of issue 26)."""
    return ["/", "/cancer-immunology/", "/cancer-immunology/?modality=car-t", "/cancer-immunology/?page=2",
            "/articles/", site["article"], "/cancer-immunology/trends/", "/cancer-immunology/research/",
            "/privacy-policy/", "/cookie-policy/", "/newsletter/subscribe/", "/newsletter/subscribe/sent/", *site["newsletter"]]


@pytest.fixture
def open_page(browser):
    """Return open(size, **context options) -> a new page of that size; its contexts close after the test."""
    contexts = []

    def open_(size, **options):
        context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **options)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def top(locator):
    return locator.bounding_box()["y"]


def dismiss_banner(page):
    page.get_by_role("button", name="Reject non-essential").click()
    page.locator("[data-consent-banner]").wait_for(state="hidden")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
@pytest.mark.parametrize("path", ["/cancer-immunology/", "/", "/articles/"])
def test_heading_and_lead_story_are_on_the_first_screen_with_and_without_the_consent_banner(live_server, open_page, site, size, path):
    page = open_page(size)
    for banner in (True, False):
        page.goto(live_server.url + path)
        banner_box = page.locator("[data-consent-banner]")
        if banner:
            banner_box.wait_for()
            assert banner_box.bounding_box()["height"] > 150
        cards = page.locator("article.card")
        lead, second = cards.nth(0), cards.nth(1)
        assert lead.locator(".card-title").inner_text() == "Story number 13", "the newest story leads"
        assert 0 <= top(page.locator("h1")) < top(lead) < size[1] - 40, f"banner {banner}: the lead story starts on the first screen"
        lead_title, other_title = (c.locator(".card-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") for c in (lead, second))
        assert lead_title > other_title, "the lead story's headline is larger"
        if size == DESKTOP:
            assert lead.bounding_box()["width"] > 1.8 * second.bounding_box()["width"]
            assert top(second) < size[1] - 40, "the next stories show beside the lead"
        if banner:
            dismiss_banner(page)


def test_the_second_page_of_a_hub_has_no_lead_story(live_server, open_page, site):
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/cancer-immunology/?page=2")
    cards = page.locator("article.card")
    assert cards.nth(0).bounding_box()["width"] == cards.nth(1).bounding_box()["width"]


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_no_public_page_scrolls_sideways(live_server, open_page, site, width):
    page = open_page((width, 800))
    wide = {}
    for path in public_pages(site):
        page.goto(live_server.url + path)
        for menu_open in (False, True):
            if menu_open and page.locator(".site-menu summary").is_visible():
                page.locator(".site-menu summary").click()
            sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if sizes[0] > sizes[1]:
                wide[f"{path} (menu open)" if menu_open else path] = sizes
    assert wide == {}, f"scroll width > viewport width at {width} px"


def test_phone_menu_opens_and_closes_by_keyboard(live_server, open_page, site):
    page = open_page(PHONE)
    page.goto(live_server.url + "/cancer-immunology/")
    dismiss_banner(page)
    menu_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Cell therapy")
    assert not menu_link.is_visible(), "on a phone the navigation is folded into the menu"
    page.locator(".site-name").focus()
    summary = page.get_by_text("Menu", exact=True)
    for _ in range(5):
        page.keyboard.press("Tab")
        if summary.evaluate("e => e === document.activeElement"):
            break
    assert summary.evaluate("e => e === document.activeElement"), "the menu button is reached with Tab"
    assert summary.evaluate("e => e.closest('details').open") is False
    page.keyboard.press("Enter")
    assert menu_link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Home", "Tab goes from the menu button into its links"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert not menu_link.is_visible()
    page.keyboard.press("Space")
    assert menu_link.is_visible()
    menu_link.click()
    page.wait_for_url("**/cell-therapy/")


def test_desktop_shows_the_navigation_and_no_menu_button(live_server, open_page, site):
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/cancer-immunology/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Cell therapy").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
    assert nav.get_by_role("link", name="Cancer immunology").get_attribute("aria-current") == "page"


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390x844", "1280x800"])
def test_filters_and_menu_work_without_javascript_and_chosen_filters_stay_visible_as_removable_chips(live_server, open_page, site, size):
    page = open_page(size, java_script_enabled=False)
    page.goto(live_server.url + "/cancer-immunology/")
    filters = page.get_by_role("navigation", name="Filter stories")
    car_t = filters.get_by_role("link", name="CAR-T (")
    assert not car_t.is_visible(), "the filters wait behind one click"
    page.get_by_text("Filters", exact=True).click()
    car_t.click()
    page.wait_for_url("**/cancer-immunology/?modality=car-t")
    chip = page.get_by_role("link", name="CAR-T (remove this filter)")
    assert chip.is_visible(), "a chosen filter shows without opening the filters"
    assert top(chip) < top(page.locator("article.card").first)
    assert page.get_by_role("link", name="RSS feed").get_attribute("href") == "/cancer-immunology/feed/rss/?modality=car-t"
    chip.click()
    page.wait_for_url(re.compile(r"/cancer-immunology/\??$"))
    assert page.locator("article.card").count() == 12
    if size == PHONE:
        page.get_by_text("Menu", exact=True).click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="All stories").click()
        page.wait_for_url("**/articles/")


def test_hub_shows_its_feeds_as_links(live_server, open_page, site):
    page = open_page(PHONE)
    page.goto(live_server.url + "/cancer-immunology/")
    follow = page.get_by_role("region", name="Follow Cancer immunology")
    links = {name: follow.get_by_role("link", name=name).get_attribute("href") for name in ("RSS feed", "Atom feed", "JSON Feed")}
    assert links == {"RSS feed": "/cancer-immunology/feed/rss/", "Atom feed": "/cancer-immunology/feed/atom/",
                     "JSON Feed": "/cancer-immunology/feed/json/"}
    response = page.request.get(live_server.url + links["Atom feed"])
    assert response.ok and "<feed" in response.text() and "Story number 13" in response.text()
    assert follow.get_by_role("link", name="Subscribe by email").is_visible()


def _violations(page, url):
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_axe_finds_nothing_on_any_page_type_in_either_scheme(live_server, open_page, site, size, scheme):
    # axe is injected as an inline script, which the site's CSP (rightly) forbids.
    page = open_page(size, color_scheme=scheme, bypass_csp=True)
    found = {}
    for path in [*public_pages(site), "/search/?q=lymphoma"]:
        violations = _violations(page, live_server.url + path)
        if violations:
            found[path] = violations
    if size == PHONE:  # and with the menu open
        page.goto(live_server.url + "/cancer-immunology/")
        page.locator(".site-menu summary").click()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        if result["violations"]:
            found["menu open"] = [v["id"] for v in result["violations"]]
    assert found == {}, json.dumps(found, indent=1)


def test_dark_scheme_is_dark(live_server, open_page, site):
    page = open_page(PHONE, color_scheme="dark")
    page.goto(live_server.url + "/cancer-immunology/")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    channels = [int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]]
    assert max(channels) < 60, background
