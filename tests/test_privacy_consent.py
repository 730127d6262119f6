"""The consent logic without HTTP: validation, cookie round trip, what a visitor is asked."""

from http.cookies import SimpleCookie

import pytest
from django.http import QueryDict

from epitope.privacy import consent as c

LIVE = {"privacy_version": "2026-11", "cookie_version": "3"}


def validate(**data):
    return c.validate_choice({**LIVE, **data}, LIVE["privacy_version"], LIVE["cookie_version"])


def state(**categories):
    return c.ConsentState(
        "7d3c8a4e-1111-4a2b-9c3d-0123456789ab", c.all_categories(False) | categories, "2026-11", "3"
    )


def test_accept_all_allows_every_category_and_reject_none():
    assert validate(action="accept_all").categories == {
        "necessary": True,
        "preferences": True,
        "analytics": True,
    }
    assert validate(action="reject").categories == {
        "necessary": True,
        "preferences": False,
        "analytics": False,
    }


def test_custom_choice_keeps_each_category():
    choice = validate(action="custom", categories={"preferences": True, "analytics": False})
    assert choice.categories == {"necessary": True, "preferences": True, "analytics": False}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "accept"}, "Unknown action"),
        ({"action": "custom"}, "need categories"),
        ({"action": "custom", "categories": {"analytics": True}}, "every optional category"),
        ({"action": "custom", "categories": {"preferences": True, "analytics": "yes"}}, "true or false"),
        ({"action": "custom", "categories": {"preferences": 1, "analytics": 0}}, "true or false"),
        (
            {"action": "custom", "categories": {"preferences": True, "analytics": True, "marketing": True}},
            "Unknown category",
        ),
        (
            {"action": "custom", "categories": {"necessary": False, "preferences": True, "analytics": True}},
            "cannot be switched off",
        ),
        ({"action": "custom", "categories": ["analytics"]}, "must be an object"),
        ({"action": "reject", "categories": {"analytics": True}}, "contradict"),
        ({"action": "dismiss_update", "categories": {"analytics": True}}, "does not change"),
        ({"action": "reject", "ip": "10.0.0.1"}, "Unknown field"),
        ({"action": "reject", "privacy_version": "2026-10"}, "policies have changed"),
        ({"action": "reject", "cookie_version": 3}, "invalid cookie_version"),
        ({"action": "reject", "cookie_version": "x" * 21}, "invalid cookie_version"),
        ({"action": "reject", "privacy_version": ""}, "invalid privacy_version"),
    ],
)
def test_invalid_submissions_are_refused_with_a_reason(data, message):
    with pytest.raises(c.ConsentError, match=message):
        validate(**data)


def test_non_object_payload_is_refused():
    with pytest.raises(c.ConsentError):
        c.validate_choice(["accept_all"], "1", "1")


def test_cookie_round_trip_keeps_choices_and_versions():
    original = c.ConsentState(
        "7d3c8a4e-1111-4a2b-9c3d-0123456789ab",
        {"necessary": True, "preferences": False, "analytics": True},
        "2026-11 rev|2",
        "1.0",
    )
    value = c.encode_state(original)
    assert c.decode_state(value) == original
    # Django writes the value with Python's cookie module: it must not need quoting.
    cookie = SimpleCookie()
    cookie[c.COOKIE_NAME] = value
    assert cookie.output(header="").strip() == f"{c.COOKIE_NAME}={value}"


def test_rejected_state_encodes_no_optional_category():
    value = c.encode_state(state())
    assert value.split("|")[2] == "-"
    assert c.decode_state(value).allows("analytics") is False


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        "2|7d3c8a4e-1111-4a2b-9c3d-0123456789ab|-|1|1",
        "1|not-a-uuid|-|1|1",
        "1|7d3c8a4e-1111-4a2b-9c3d-0123456789ab|marketing|1|1",
        "1|7d3c8a4e-1111-4a2b-9c3d-0123456789ab|-|1",
        "1|7d3c8a4e-1111-4a2b-9c3d-0123456789ab|-||1",
        "1|7d3c8a4e-1111-4a2b-9c3d-0123456789ab|-|" + "9" * 400 + "|1",
    ],
)
def test_malformed_cookies_count_as_no_choice(value):
    assert c.decode_state(value) is None


def test_what_to_ask_compares_policy_versions():
    current = state()
    assert c.what_to_ask(None, "2026-11", "3") == "consent"
    assert c.what_to_ask(current, "2026-11", "3") is None
    assert c.what_to_ask(current, "2027-01", "3") == "privacy_update"
    # A new Cookie Policy asks for consent again, even if the privacy policy changed too.
    assert c.what_to_ask(current, "2027-01", "4") == "consent"


def test_next_state_keeps_consent_id_and_dismissal_keeps_choices():
    previous = c.ConsentState("7d3c8a4e-1111-4a2b-9c3d-0123456789ab", c.all_categories(True), "2026-10", "3")
    dismissed = c.next_state(validate(action="dismiss_update"), previous)
    assert dismissed == c.ConsentState(previous.consent_id, c.all_categories(True), "2026-11", "3")
    rejected = c.next_state(validate(action="reject"), previous)
    assert rejected.consent_id == previous.consent_id and not rejected.allows("analytics")
    fresh = c.next_state(validate(action="accept_all"), None)
    assert fresh.consent_id != previous.consent_id and fresh.allows("analytics")


def test_dismissing_without_a_current_choice_is_refused():
    with pytest.raises(c.ConsentError):
        c.next_state(validate(action="dismiss_update"), None)
    outdated_cookie_policy = c.ConsentState(
        "7d3c8a4e-1111-4a2b-9c3d-0123456789ab", c.all_categories(True), "2026-10", "2"
    )
    with pytest.raises(c.ConsentError):
        c.next_state(validate(action="dismiss_update"), outdated_cookie_policy)


def test_record_holds_choice_and_versions_but_no_ip_address():
    choice = validate(action="custom", categories={"preferences": False, "analytics": True})
    new_state = c.next_state(choice, None)
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
    record = c.build_record(choice, new_state, ua)
    assert str(record.consent_id) == new_state.consent_id
    assert record.action == "custom"
    assert record.choices == {"necessary": True, "preferences": False, "analytics": True}
    assert (record.privacy_policy_version, record.cookie_policy_version) == ("2026-11", "3")
    assert record.user_agent_family == "Firefox"
    field_names = {f.name for f in record._meta.get_fields()}
    assert not any("ip" in name.split("_") or "address" in name for name in field_names)
    assert ua not in str(vars(record))


@pytest.mark.parametrize(
    "ua, family",
    [
        ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/130.0 Safari/537.36 Edg/130.0", "Edge"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36",
            "Chrome",
        ),
        (
            "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
            "Safari",
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Bot"),
        ("curl/8.5.0", "Other"),
        ("", ""),
    ],
)
def test_user_agent_is_reduced_to_a_family(ua, family):
    assert c.user_agent_family(ua) == family


def test_form_post_becomes_the_same_payload():
    post = QueryDict("action=custom&analytics=true&privacy_version=2026-11&cookie_version=3&next=/x/")
    payload = c.choice_from_form(post)
    assert payload["categories"] == {"preferences": False, "analytics": True}
    assert validate(**payload).categories["analytics"] is True
    with pytest.raises(c.ConsentError):
        c.choice_from_form(QueryDict("action=custom&analytics=yes"))


@pytest.mark.parametrize(
    "origin, fetch_site, allowed",
    [
        ("https://epitope.example", None, True),
        ("https://evil.example", "cross-site", False),
        ("https://evil.example", None, False),
        ("http://epitope.example", None, False),  # another scheme is another origin
        ("null", None, False),
        (None, "same-origin", True),
        (None, "same-site", False),
        (None, "cross-site", False),
        (None, None, False),
        ("https://www.epitope.example", None, True),  # listed in trusted origins
    ],
)
def test_only_same_origin_posts_are_accepted(origin, fetch_site, allowed):
    trusted = ["https://www.epitope.example"]
    assert c.is_same_origin(origin, fetch_site, "https://epitope.example", trusted) is allowed
