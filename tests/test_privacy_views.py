"""Consent over HTTP: the endpoint, the no-JavaScript path, cookies on public pages, policy versions."""

import json

import pytest

from epitope.privacy import consent as c
from epitope.privacy.models import ConsentRecord
from epitope.privacy.policies import current_versions
from tests import factories as f
from tests.privacy_pages import policy_pages, publish_version

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def site():
    site = f.hub_site()
    site["privacy"], site["cookies"] = policy_pages(
        site["home"], privacy_version="2026-11", cookie_version="1"
    )
    return site


def post_json(client, data, **headers):
    return client.post("/privacy/consent/", json.dumps(data), content_type="application/json", **headers)


def choice(action, **extra):
    return {"action": action, "privacy_version": "2026-11", "cookie_version": "1", **extra}


def test_public_pages_set_no_cookie_for_anonymous_visitors(client, site):
    article = f.article(site["index"], "CAR-T after CAR-T", [site["cancer"]])
    for url in [
        "/",
        "/cancer-immunology/",
        article.url,
        "/privacy-policy/",
        "/cookie-policy/",
        "/no-such-page/",
        "/newsletter/subscribe/",  # its form is guarded without a csrftoken cookie
        "/cancer-immunology/trends/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not response.cookies, f"{url} set {list(response.cookies)}"
    assert "csrftoken" not in client.cookies and "sessionid" not in client.cookies


def test_every_page_carries_the_hidden_banner_and_policy_links(client, site):
    html = client.get("/cancer-immunology/").content.decode()
    assert '<section class="consent" id="consent-banner"' in html and "data-consent-banner hidden" in html
    assert 'action="/privacy/consent/"' in html
    assert (
        'href="/cookie-policy/">Cookie Policy</a>' in html
        and 'href="/privacy-policy/">Privacy Policy</a>' in html
    )
    assert 'data-privacy-version="2026-11"' in html and 'data-cookie-version="1"' in html
    for needle in ("onclick=", "style=", "<script>"):
        assert needle not in html


def test_accept_records_proof_and_sets_the_consent_cookie(client, site):
    response = post_json(client, choice("accept_all"), HTTP_USER_AGENT="Mozilla/5.0 Firefox/140.0", **ORIGIN)
    assert response.status_code == 200
    body = response.json()
    record = ConsentRecord.objects.get()
    assert str(record.consent_id) == body["consent_id"]
    assert record.action == "accept_all" and record.choices["analytics"] is True
    assert (record.privacy_policy_version, record.cookie_policy_version) == ("2026-11", "1")
    assert record.user_agent_family == "Firefox"
    morsel = response.cookies[c.COOKIE_NAME]
    assert morsel["samesite"] == "Lax" and morsel["path"] == "/" and int(morsel["max-age"]) > 150 * 86400
    assert not morsel["httponly"]
    stored = c.decode_state(morsel.value)
    assert stored.consent_id == body["consent_id"] and stored.allows("analytics")
    assert "no-store" in response["Cache-Control"]


def test_record_keeps_no_ip_address(client, site):
    post_json(
        client, choice("reject"), REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7", **ORIGIN
    )
    row = ConsentRecord.objects.values().get()
    assert not any(ip in str(value) for value in row.values() for ip in ("203.0.113.9", "198.51.100.7"))
    assert row["choices"] == {"necessary": True, "preferences": False, "analytics": False}


def test_later_choices_keep_the_visitors_consent_id(client, site):
    first = post_json(client, choice("accept_all"), **ORIGIN).json()
    second = post_json(
        client, choice("custom", categories={"preferences": True, "analytics": False}), **ORIGIN
    ).json()
    assert second["consent_id"] == first["consent_id"]
    assert list(ConsentRecord.objects.order_by("pk").values_list("action", flat=True)) == [
        "accept_all",
        "custom",
    ]
    assert c.decode_state(client.cookies[c.COOKIE_NAME].value).allows("analytics") is False


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {},
    ],
)
def test_cross_site_posts_are_refused(client, site, headers):
    response = post_json(client, choice("accept_all"), **headers)
    assert response.status_code == 403
    assert not ConsentRecord.objects.exists() and c.COOKIE_NAME not in response.cookies


def test_same_origin_by_fetch_metadata_is_accepted(client, site):
    assert post_json(client, choice("reject"), HTTP_SEC_FETCH_SITE="same-origin").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        choice("accept_all", categories={"analytics": "yes"}),
        choice("sell_my_data"),
        {"action": "reject", "privacy_version": "2026-10", "cookie_version": "1"},
        choice("dismiss_update"),  # nothing stored to update
    ],
)
def test_invalid_json_choices_are_refused_and_not_recorded(client, site, data):
    response = post_json(client, data, **ORIGIN)
    assert response.status_code == 400 and "error" in response.json()
    assert not ConsentRecord.objects.exists()


def test_malformed_json_and_get_are_refused(client, site):
    assert client.post("/privacy/consent/", "{", content_type="application/json", **ORIGIN).status_code == 400
    assert client.get("/privacy/consent/").status_code == 405


def test_no_javascript_form_sets_cookie_and_redirects_back(client, site):
    form = {
        "action": "custom",
        "preferences": "true",
        "privacy_version": "2026-11",
        "cookie_version": "1",
        "next": "/cancer-immunology/?page=1",
    }
    response = client.post("/privacy/consent/", form, **ORIGIN)
    assert response.status_code == 303 and response["Location"] == "/cancer-immunology/?page=1"
    stored = c.decode_state(response.cookies[c.COOKIE_NAME].value)
    assert stored.allows("preferences") and not stored.allows("analytics")
    assert ConsentRecord.objects.get().action == "custom"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_no_javascript_form_never_redirects_off_site(client, site, target):
    form = {"action": "reject", "privacy_version": "2026-11", "cookie_version": "1", "next": target}
    response = client.post("/privacy/consent/", form, **ORIGIN)
    assert response.status_code == 303 and response["Location"] == "/"


def test_cross_site_form_post_is_refused(client, site):
    form = {"action": "accept_all", "privacy_version": "2026-11", "cookie_version": "1", "next": "/"}
    response = client.post("/privacy/consent/", form, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403 and not ConsentRecord.objects.exists()


def test_privacy_update_is_dismissed_once_and_recorded(client, site):
    first = post_json(
        client, choice("custom", categories={"preferences": False, "analytics": True}), **ORIGIN
    ).json()
    publish_version(site["privacy"], "2027-01", summary="We now name our email provider.")
    versions = current_versions()
    assert versions["privacy"]["version"] == "2027-01"
    state = c.decode_state(client.cookies[c.COOKIE_NAME].value)
    assert c.what_to_ask(state, "2027-01", "1") == "privacy_update"
    html = client.get("/").content.decode()
    assert 'data-privacy-version="2027-01"' in html and "We now name our email provider." in html

    response = post_json(
        client, {"action": "dismiss_update", "privacy_version": "2027-01", "cookie_version": "1"}, **ORIGIN
    )
    assert response.status_code == 200
    state = c.decode_state(client.cookies[c.COOKIE_NAME].value)
    assert c.what_to_ask(state, "2027-01", "1") is None
    assert state.consent_id == first["consent_id"] and state.allows("analytics")
    record = ConsentRecord.objects.filter(action="dismiss_update").get()
    assert record.privacy_policy_version == "2027-01" and record.choices["analytics"] is True


def test_publishing_or_unpublishing_a_policy_refreshes_cached_versions(client, site):
    assert current_versions()["cookies"]["version"] == "1"
    publish_version(site["cookies"], "2")
    assert current_versions()["cookies"]["version"] == "2"
    assert 'data-cookie-version="2"' in client.get("/").content.decode()
    site["cookies"].specific.unpublish()
    assert current_versions()["cookies"] == {"version": "0", "url": ""}


def test_the_banner_returns_each_visitor_to_their_own_page_and_shows_the_current_policies(client, site):
    # The banner is rendered once per process and reused: its "next" field must still be each
    # page's own address, and a newly published policy must show at once.
    def banner_fields(url):
        html = client.get(url).content.decode()
        banner = html[html.index('id="consent-banner"'):html.index("data-consent-notice")]
        return banner

    hub = banner_fields("/cancer-immunology/?page=1&type=news")
    assert 'name="next" value="/cancer-immunology/?page=1&amp;type=news"' in hub
    assert 'name="cookie_version" value="1"' in hub and 'name="privacy_version" value="2026-11"' in hub
    home = banner_fields("/")
    assert 'name="next" value="/"' in home and "/cancer-immunology/" not in home.split('name="next"')[1][:40]
    publish_version(site["cookies"], "2")
    again = banner_fields("/cancer-immunology/")
    assert 'name="cookie_version" value="2"' in again and 'name="next" value="/cancer-immunology/"' in again
    site["privacy"].specific.unpublish()
    gone = banner_fields("/")
    assert 'href="/privacy-policy/">Privacy Policy</a>' not in gone and 'name="privacy_version" value="0"' in gone


def test_cookie_policy_page_offers_the_choices_without_javascript(client, site):
    html = client.get("/cookie-policy/").content.decode()
    assert "Your cookie choices" in html
    assert 'id="policy-consent-analytics" name="analytics"' in html
    assert 'id="consent-analytics" name="analytics"' in html  # the banner's own copy, ids kept unique


def test_consent_records_are_read_only_in_the_admin(client, site, django_user_model):
    admin = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(admin)
    post_json(client, choice("reject"), **ORIGIN)
    record = ConsentRecord.objects.get()
    assert "Consent records" in client.get("/admin/").content.decode()  # under Settings
    listing = client.get("/admin/consent_records/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Rejected non-essential" in html and str(record.consent_id) in html
    assert "/admin/consent_records/new/" not in html
    assert client.get(f"/admin/consent_records/inspect/{record.pk}/").status_code == 200
    assert client.get("/admin/consent_records/new/").status_code == 404
    assert client.get(f"/admin/consent_records/edit/{record.pk}/").status_code == 404
    assert client.post(f"/admin/consent_records/delete/{record.pk}/").status_code == 404
    assert ConsentRecord.objects.count() == 1
    export = client.get("/admin/consent_records/?export=csv")
    assert export.status_code == 200 and str(record.consent_id) in b"".join(export.streaming_content).decode()


def test_editor_without_permission_cannot_see_consent_records(client, site, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("writer", "writer@example.org", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get("/admin/consent_records/").status_code in (302, 403)
    editor.user_permissions.add(Permission.objects.get(codename="view_consentrecord"))
    editor = django_user_model.objects.get(pk=editor.pk)
    client.force_login(editor)
    assert client.get("/admin/consent_records/").status_code == 200
