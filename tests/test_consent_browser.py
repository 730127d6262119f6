"""The consent flow in Debian's Chromium: what a visitor sees, what is stored, what is loaded."""

import copy
import json
import time
from pathlib import Path

import pytest

from epitope.privacy import consent as c
from epitope.privacy.models import ConsentRecord
from tests import factories as f
from tests.privacy_pages import policy_pages, publish_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
ANALYTICS_PATH = "/analytics.js"


@pytest.fixture
def site(live_server, settings, httpserver):
    """Serve the hub with both policies, and an analytics script on another loopback origin."""
    httpserver.expect_request(ANALYTICS_PATH).respond_with_data(
        "window.epitopeAnalyticsLoaded = true;", content_type="text/javascript"
    )
    analytics_url = httpserver.url_for(ANALYTICS_PATH)
    origin = analytics_url[: -len(ANALYTICS_PATH)]
    settings.EPITOPE_ANALYTICS_SCRIPT_URL = analytics_url
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["script-src"] = ["'self'", origin]
    settings.CONTENT_SECURITY_POLICY = csp

    built = f.hub_site()
    built["privacy"], built["cookies"] = policy_pages(
        built["home"], privacy_version="2026-11", cookie_version="1"
    )
    built["url"] = live_server.url
    return built


@pytest.fixture
def watched(page):
    """Return the page with lists of the URLs it requested and the errors its console printed."""
    page.requested = []
    page.errors = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    return page


def consent_cookie(page):
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    return cookies.get(c.COOKIE_NAME), cookies


def analytics_requests(page):
    return [url for url in page.requested if url.endswith(ANALYTICS_PATH)]


def banner(page):
    return page.locator("[data-consent-banner]")


def test_fresh_visitor_sees_the_banner_and_gets_no_cookie_or_script(site, watched, httpserver):
    watched.goto(site["url"] + "/cancer-immunology/")
    region = watched.get_by_role("region", name="Cookies on Epitope")
    region.wait_for()
    assert "We use cookies" in region.inner_text()
    assert region.get_by_role("link", name="Cookie Policy").get_attribute("href") == "/cookie-policy/"
    assert region.get_by_role("link", name="Privacy Policy").get_attribute("href") == "/privacy-policy/"
    accept = region.get_by_role("button", name="Accept all")
    reject = region.get_by_role("button", name="Reject non-essential")
    assert accept.bounding_box()["height"] == reject.bounding_box()["height"]
    assert accept.evaluate("e => getComputedStyle(e).backgroundColor") == reject.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    # No cookie wall: the page behind the banner is there and usable.
    watched.get_by_role("link", name="Epitope", exact=True).click()
    watched.wait_for_url(site["url"] + "/")
    assert watched.context.cookies() == []
    assert analytics_requests(watched) == [] and httpserver.log == []
    assert watched.errors == []


def test_reject_stores_the_choice_and_never_loads_analytics(site, watched, httpserver):
    watched.goto(site["url"] + "/")
    watched.get_by_role("button", name="Reject non-essential").click()
    banner(watched).wait_for(state="hidden")
    cookie, cookies = consent_cookie(watched)
    assert set(cookies) == {c.COOKIE_NAME}
    assert cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    stored = c.decode_state(cookie["value"])
    assert stored.allows("analytics") is False and stored.allows("preferences") is False
    assert ConsentRecord.objects.get(consent_id=stored.consent_id).action == "reject"

    watched.reload()
    watched.wait_for_load_state("load")
    assert banner(watched).is_hidden()
    assert analytics_requests(watched) == [] and httpserver.log == []
    assert watched.errors == []


def test_accept_allows_analytics_and_loads_the_script(site, watched):
    watched.goto(site["url"] + "/")
    with watched.expect_request(lambda request: request.url.endswith(ANALYTICS_PATH)):
        watched.get_by_role("button", name="Accept all").click()
    # Polled from Python: wait_for_function re-evaluates its predicate with eval() when the
    # first check fails, which the page's CSP (rightly) refuses; evaluate() is not subject to it.
    deadline = time.monotonic() + 10
    while watched.evaluate("window.epitopeAnalyticsLoaded") is not True:
        assert time.monotonic() < deadline, "the analytics script did not run after consent"
        time.sleep(0.05)
    assert banner(watched).is_hidden()
    cookie, _ = consent_cookie(watched)
    assert c.decode_state(cookie["value"]).allows("analytics")
    # A returning visitor who allowed analytics gets the script without being asked.
    with watched.expect_request(lambda request: request.url.endswith(ANALYTICS_PATH)):
        watched.goto(site["url"] + "/cancer-immunology/")
    assert banner(watched).is_hidden()
    assert watched.errors == []


def test_keyboard_only_visitor_can_reject(site, watched):
    watched.goto(site["url"] + "/")
    banner(watched).wait_for()
    for _ in range(10):
        watched.keyboard.press("Tab")
        if watched.evaluate("document.activeElement.textContent.trim()") == "Reject non-essential":
            break
    else:
        pytest.fail("Tab never reached the Reject button")
    watched.keyboard.press("Enter")
    banner(watched).wait_for(state="hidden")
    cookie, _ = consent_cookie(watched)
    assert c.decode_state(cookie["value"]).allows("analytics") is False
    assert analytics_requests(watched) == []


def test_keyboard_visitor_can_manage_categories(site, watched):
    watched.goto(site["url"] + "/")
    manage = watched.get_by_role("button", name="Manage")
    manage.focus()
    watched.keyboard.press("Enter")
    assert manage.get_attribute("aria-expanded") == "true"
    analytics = watched.get_by_role("checkbox", name="Analytics")
    necessary = watched.get_by_role("checkbox", name="Necessary (always on)")
    assert necessary.is_checked() and necessary.is_disabled()
    analytics.focus()
    watched.keyboard.press("Space")
    watched.keyboard.press("Enter")  # must not submit the form with its first button (Accept all)
    assert banner(watched).is_visible()
    with watched.expect_request(lambda request: request.url.endswith(ANALYTICS_PATH)):
        watched.get_by_role("button", name="Save choices").press("Enter")
    banner(watched).wait_for(state="hidden")
    stored = c.decode_state(consent_cookie(watched)[0]["value"])
    assert stored.allows("analytics") and not stored.allows("preferences")
    assert ConsentRecord.objects.get().action == "custom"


def test_privacy_update_notice_shows_until_dismissed(site, watched):
    watched.goto(site["url"] + "/")
    watched.get_by_role("button", name="Reject non-essential").click()
    banner(watched).wait_for(state="hidden")
    notice = watched.get_by_role("region", name="We've updated our Privacy Policy")
    watched.reload()
    assert notice.is_hidden()

    publish_version(site["privacy"], "2027-01", summary="We now say how long consent records are kept.")
    watched.reload()
    notice.wait_for()
    assert "how long consent records are kept" in notice.inner_text()
    assert notice.get_by_role("link").get_attribute("href") == "/privacy-policy/"
    assert banner(watched).is_hidden()  # the cookie choices still stand

    notice.get_by_role("button", name="Dismiss").click()
    notice.wait_for(state="hidden")
    watched.reload()
    watched.wait_for_load_state("load")
    assert notice.is_hidden() and banner(watched).is_hidden()
    stored = c.decode_state(consent_cookie(watched)[0]["value"])
    assert stored.privacy_version == "2027-01" and stored.allows("analytics") is False
    assert list(ConsentRecord.objects.order_by("pk").values_list("action", flat=True)) == [
        "reject",
        "dismiss_update",
    ]


def test_new_cookie_policy_asks_for_consent_again(site, watched):
    watched.goto(site["url"] + "/")
    watched.get_by_role("button", name="Accept all").click()
    banner(watched).wait_for(state="hidden")
    publish_version(site["cookies"], "2")
    requested_before = len(analytics_requests(watched))
    watched.reload()
    banner(watched).wait_for()
    # Consent given under the old Cookie Policy no longer loads analytics.
    assert len(analytics_requests(watched)) == requested_before


def test_footer_button_reopens_the_choices_prefilled(site, watched):
    watched.goto(site["url"] + "/")
    watched.get_by_role("button", name="Reject non-essential").click()
    banner(watched).wait_for(state="hidden")

    opener = watched.get_by_role("button", name="Cookie settings")
    opener.click()
    banner(watched).wait_for()
    assert watched.evaluate("document.activeElement.id") == "consent-title"
    analytics = watched.get_by_role("checkbox", name="Analytics")
    assert analytics.is_visible() and not analytics.is_checked()
    analytics.check()
    with watched.expect_request(lambda request: request.url.endswith(ANALYTICS_PATH)):
        watched.get_by_role("button", name="Save choices").click()
    banner(watched).wait_for(state="hidden")
    assert watched.evaluate("document.activeElement.textContent.trim()") == "Cookie settings"

    opener.click()
    assert watched.get_by_role("checkbox", name="Analytics").is_checked()
    watched.keyboard.press("Escape")
    banner(watched).wait_for(state="hidden")
    assert ConsentRecord.objects.count() == 2


def test_banner_and_choices_have_no_accessibility_violations(site, browser):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make browser-deps runs npm ci)")
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    try:
        for url, open_panel in [("/", False), ("/", True), ("/cookie-policy/", True)]:
            page.goto(site["url"] + url)
            banner(page).wait_for()
            if open_panel:
                page.get_by_role("button", name="Manage").click()
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
            assert violations == [], json.dumps(violations, indent=1)
    finally:
        context.close()


def test_without_javascript_the_cookie_policy_form_records_the_choice(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site["url"] + "/")
        assert banner(page).is_hidden()  # nothing optional can run without JavaScript: no nagging
        page.goto(site["url"] + "/cookie-policy/")
        assert context.cookies() == []
        page.get_by_role("checkbox", name="Preferences").check()
        page.get_by_role("button", name="Save choices").click()
        page.wait_for_url(site["url"] + "/cookie-policy/")
        stored = c.decode_state(consent_cookie(page)[0]["value"])
        assert stored.allows("preferences") and not stored.allows("analytics")
        assert ConsentRecord.objects.get().action == "custom"
    finally:
        context.close()


def test_cookie_policy_page_form_confirms_a_saved_choice(site, watched):
    watched.goto(site["url"] + "/cookie-policy/")
    watched.get_by_role("button", name="Reject non-essential").first.click()
    banner(watched).wait_for(state="hidden")
    form = watched.get_by_role("region", name="Your cookie choices")
    form.get_by_role("checkbox", name="Analytics").check()
    with watched.expect_request(lambda request: request.url.endswith(ANALYTICS_PATH)):
        form.get_by_role("button", name="Save choices").click()
    assert form.get_by_role("status").inner_text() == "Your choices have been saved."
    assert list(ConsentRecord.objects.order_by("pk").values_list("action", flat=True)) == ["reject", "custom"]
