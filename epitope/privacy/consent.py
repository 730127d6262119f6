"""Consent logic without HTTP: validate a choice, build its record, encode the consent cookie.

The cookie is written by the server (one encoder) and read by both the server and
`static/epitope/js/consent.js`, which mirrors `decode_state` and `what_to_ask`.
"""

import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from .models import ConsentRecord

COOKIE_NAME = "epitope_consent"
COOKIE_MAX_AGE = 182 * 24 * 60 * 60  # about six months, then we ask again
COOKIE_FORMAT = "1"

NECESSARY = "necessary"
OPTIONAL_CATEGORIES = ("preferences", "analytics")
CATEGORIES = (NECESSARY,) + OPTIONAL_CATEGORIES

ACCEPT_ALL, REJECT, CUSTOM, DISMISS_UPDATE = "accept_all", "reject", "custom", "dismiss_update"
ACTIONS = (ACCEPT_ALL, REJECT, CUSTOM, DISMISS_UPDATE)

PAYLOAD_KEYS = {"action", "categories", "privacy_version", "cookie_version"}
MAX_VERSION_LENGTH = 20
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ConsentError(ValueError):
    """A consent submission we refuse; the message is safe to show to the visitor."""


@dataclass(frozen=True)
class ConsentState:
    """What the consent cookie holds: who chose, what, under which policy versions."""

    consent_id: str
    categories: dict = field(hash=False)
    privacy_version: str
    cookie_version: str

    def allows(self, category):
        return bool(self.categories.get(category))


@dataclass(frozen=True)
class ConsentChoice:
    """A validated submission from the banner, the update notice or the settings form."""

    action: str
    categories: dict | None  # None for dismiss_update: the stored choice stays as it was
    privacy_version: str
    cookie_version: str


def all_categories(allowed):
    """Return the full category map with every optional category set to `allowed`."""
    return {NECESSARY: True, **{name: allowed for name in OPTIONAL_CATEGORIES}}


def encode_state(state):
    """Return the cookie value for `state`: `1|<id>|<granted+categories or ->|<privacy v>|<cookie v>`.

    Only characters Python's cookie module leaves unquoted are used, so browsers and
    Django read back exactly what we wrote; versions are percent-encoded.
    """
    granted = "+".join(name for name in OPTIONAL_CATEGORIES if state.categories.get(name)) or "-"
    return "|".join(
        [
            COOKIE_FORMAT,
            state.consent_id,
            granted,
            quote(state.privacy_version, safe=""),
            quote(state.cookie_version, safe=""),
        ]
    )


def decode_state(value):
    """Return the ConsentState in a cookie value, or None when it is missing or malformed."""
    if not value or len(value) > 300:
        return None
    parts = value.split("|")
    if len(parts) != 5 or parts[0] != COOKIE_FORMAT or not _UUID.match(parts[1]):
        return None
    granted = [] if parts[2] == "-" else parts[2].split("+")
    if any(name not in OPTIONAL_CATEGORIES for name in granted):
        return None
    versions = [unquote(part) for part in parts[3:]]
    if not all(_valid_version(v) for v in versions):
        return None
    categories = {NECESSARY: True, **{name: name in granted for name in OPTIONAL_CATEGORIES}}
    return ConsentState(parts[1], categories, versions[0], versions[1])


def what_to_ask(state, privacy_version, cookie_version):
    """Return "consent", "privacy_update" or None: what a visitor with `state` must be shown.

    A new Cookie Policy changes what the visitor agreed to, so consent is asked again;
    a new Privacy Policy only needs to be brought to their attention once.
    """
    if state is None or state.cookie_version != cookie_version:
        return "consent"
    if state.privacy_version != privacy_version:
        return "privacy_update"
    return None


def validate_choice(data, privacy_version, cookie_version):
    """Return a ConsentChoice for a submitted payload, or raise ConsentError.

    `privacy_version` and `cookie_version` are the live policies' versions: a visitor can
    only acknowledge the policies we currently publish.
    """
    if not isinstance(data, dict):
        raise ConsentError("Expected an object.")
    unknown = set(data) - PAYLOAD_KEYS
    if unknown:
        raise ConsentError(f"Unknown field: {sorted(unknown)[0]}.")
    action = data.get("action")
    if action not in ACTIONS:
        raise ConsentError("Unknown action.")
    for key, live in (("privacy_version", privacy_version), ("cookie_version", cookie_version)):
        value = data.get(key)
        if not isinstance(value, str) or not _valid_version(value):
            raise ConsentError(f"Missing or invalid {key}.")
        if value != live:
            raise ConsentError("The policies have changed since this page was loaded; please reload it.")
    categories = _validate_categories(action, data.get("categories"))
    return ConsentChoice(action, categories, data["privacy_version"], data["cookie_version"])


def _validate_categories(action, categories):
    if action == DISMISS_UPDATE:
        if categories is not None:
            raise ConsentError("Dismissing the update notice does not change cookie choices.")
        return None
    if categories is None:
        if action == CUSTOM:
            raise ConsentError("Custom choices need categories.")
        return all_categories(action == ACCEPT_ALL)
    if not isinstance(categories, dict):
        raise ConsentError("Categories must be an object.")
    unknown = set(categories) - set(CATEGORIES)
    if unknown:
        raise ConsentError(f"Unknown category: {sorted(unknown)[0]}.")
    if any(type(value) is not bool for value in categories.values()):
        raise ConsentError("Category choices must be true or false.")
    if categories.get(NECESSARY, True) is not True:
        raise ConsentError("Necessary cookies cannot be switched off.")
    if action == CUSTOM and set(OPTIONAL_CATEGORIES) - set(categories):
        raise ConsentError("Custom choices must name every optional category.")
    result = {
        NECESSARY: True,
        **{name: categories.get(name, action == ACCEPT_ALL) for name in OPTIONAL_CATEGORIES},
    }
    if action != CUSTOM and result != all_categories(action == ACCEPT_ALL):
        raise ConsentError("Categories contradict the action.")
    return result


def choice_from_form(post):
    """Return the JSON-shaped payload for a no-JavaScript form submission (a QueryDict)."""
    data = {key: post.get(key) for key in ("action", "privacy_version", "cookie_version")}
    if data["action"] == CUSTOM:
        categories = {}
        for name in OPTIONAL_CATEGORIES:
            value = post.get(name)
            if value not in (None, "true"):
                raise ConsentError(f"Invalid value for {name}.")
            categories[name] = value == "true"
        data["categories"] = categories
    return data


def next_state(choice, previous):
    """Return the ConsentState to store after `choice`, keeping the visitor's consent id.

    Raise ConsentError when dismissing an update notice the visitor was never shown.
    """
    if choice.action == DISMISS_UPDATE:
        if previous is None or previous.cookie_version != choice.cookie_version:
            raise ConsentError("There is no stored choice to update; please choose again.")
        categories = dict(previous.categories)
    else:
        categories = dict(choice.categories)
    consent_id = previous.consent_id if previous else str(uuid.uuid4())
    return ConsentState(consent_id, categories, choice.privacy_version, choice.cookie_version)


def build_record(choice, state, user_agent=""):
    """Return an unsaved ConsentRecord proving `choice`; no IP address, only a browser family."""
    return ConsentRecord(
        consent_id=uuid.UUID(state.consent_id),
        choices=dict(state.categories),
        privacy_policy_version=state.privacy_version,
        cookie_policy_version=state.cookie_version,
        action=choice.action,
        user_agent_family=user_agent_family(user_agent),
    )


_UA_FAMILIES = (  # order matters: Edge and Opera also say "Chrome", Chrome also says "Safari"
    ("bot", "Bot"),
    ("spider", "Bot"),
    ("edg/", "Edge"),
    ("opr/", "Opera"),
    ("firefox/", "Firefox"),
    ("chrom", "Chrome"),
    ("safari/", "Safari"),
)


def user_agent_family(user_agent):
    """Return a coarse browser family ("Firefox", "Chrome", …, "Other") for a User-Agent string."""
    if not user_agent:
        return ""
    lowered = user_agent.lower()
    for marker, family in _UA_FAMILIES:
        if marker in lowered:
            return family
    return "Other"


def is_same_origin(origin, sec_fetch_site, own_origin, trusted_origins=()):
    """Return whether a POST comes from our own pages, judged by headers browsers set themselves.

    Every current browser sends `Origin` on POST; `Sec-Fetch-Site` is the fallback. A request
    with neither (old browsers, scripts) is refused: recording consent for someone is not
    something a third party may do.
    """
    if origin:
        return origin != "null" and (origin == own_origin or origin in trusted_origins)
    return sec_fetch_site == "same-origin"


def _valid_version(value):
    return 0 < len(value) <= MAX_VERSION_LENGTH and value.isprintable()
