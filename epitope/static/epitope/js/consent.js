/*
 * Epitope's cookie consent, run in the browser because pages are cached and identical for
 * every visitor. Reads the `epitope_consent` cookie (written only by the server, see
 * epitope/privacy/consent.py, whose decode_state and what_to_ask this mirrors), shows the
 * banner or the policy-update notice, posts choices to /privacy/consent/ and loads the
 * analytics script only when the visitor allowed it. No inline script is needed (CSP).
 */
(function () {
  "use strict";

  var COOKIE = "epitope_consent";
  var OPTIONAL = ["preferences", "analytics"];
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  var body = document.body;
  var banner = document.querySelector("[data-consent-banner]");
  var notice = document.querySelector("[data-consent-notice]");
  if (!banner) return;
  var panel = banner.querySelector("[data-consent-panel]");
  var manageButton = banner.querySelector("[data-consent-manage]");
  var closeButton = banner.querySelector("[data-consent-close]");
  var opener = null; // the element that reopened the banner, to give focus back to
  var analyticsLoaded = false;

  function cookieValue(name) {
    var pairs = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf("=");
      if (pairs[i].slice(0, eq) === name) return pairs[i].slice(eq + 1);
    }
    return null;
  }

  function decodeState(value) {
    if (!value) return null;
    if (value.charAt(0) === '"') value = value.slice(1, -1);
    var parts = value.split("|");
    if (parts.length !== 5 || parts[0] !== "1" || !UUID.test(parts[1])) return null;
    var granted = parts[2] === "-" ? [] : parts[2].split("+");
    for (var i = 0; i < granted.length; i++) {
      if (OPTIONAL.indexOf(granted[i]) < 0) return null;
    }
    var versions;
    try {
      versions = [decodeURIComponent(parts[3]), decodeURIComponent(parts[4])];
    } catch (e) {
      return null;
    }
    var categories = { necessary: true };
    OPTIONAL.forEach(function (name) { categories[name] = granted.indexOf(name) >= 0; });
    return { consentId: parts[1], categories: categories, privacyVersion: versions[0], cookieVersion: versions[1] };
  }

  function whatToAsk(state) {
    if (!state || state.cookieVersion !== body.dataset.cookieVersion) return "consent";
    if (state.privacyVersion !== body.dataset.privacyVersion) return "privacy_update";
    return null;
  }

  function currentState() {
    return decodeState(cookieValue(COOKIE));
  }

  function loadAnalytics() {
    var src = body.dataset.analyticsSrc;
    if (!src || analyticsLoaded) return;
    analyticsLoaded = true;
    var script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.dataset.consentCategory = "analytics";
    document.head.appendChild(script);
  }

  function prefill(form, state) {
    form.querySelectorAll("[data-consent-category]").forEach(function (box) {
      box.checked = !!(state && state.categories[box.dataset.consentCategory]);
    });
  }

  function setPanel(open) {
    panel.hidden = !open;
    manageButton.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function showBanner(reopened) {
    var state = currentState();
    prefill(banner, state);
    closeButton.hidden = !reopened;
    setPanel(reopened);
    banner.hidden = false;
  }

  function hide(region) {
    var hadFocus = region.contains(document.activeElement);
    region.hidden = true;
    if (hadFocus && opener && document.contains(opener)) opener.focus();
    opener = null;
  }

  function payloadFrom(form, action) {
    var data = {
      action: action,
      privacy_version: form.elements.privacy_version.value,
      cookie_version: form.elements.cookie_version.value
    };
    if (action === "custom") {
      data.categories = {};
      form.querySelectorAll("[data-consent-category]").forEach(function (box) {
        data.categories[box.dataset.consentCategory] = box.checked;
      });
    }
    return data;
  }

  function applyChoice(before) {
    var after = currentState();
    if (!after) return;
    document.querySelectorAll("[data-consent-form]").forEach(function (form) { prefill(form, after); });
    if (after.categories.analytics) {
      loadAnalytics();
    } else if (before && before.categories.analytics && analyticsLoaded) {
      // A script already running cannot be unloaded: start again without it.
      window.location.reload();
    }
  }

  function onSubmit(event) {
    var form = event.target;
    var submitter = event.submitter;
    if (form.dataset.native === "1" || !submitter || !window.fetch) return; // let the browser post it
    event.preventDefault();
    var before = currentState();
    // getAttribute: the buttons named "action" shadow the form's `action` property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payloadFrom(form, submitter.value))
    }).then(function (response) {
      if (!response.ok) throw new Error("consent: server answered " + response.status);
      return response.json();
    }).then(function () {
      if (banner.contains(form)) hide(banner);
      if (notice && notice.contains(form)) hide(notice);
      var status = form.querySelector("[data-consent-status]");
      if (status) status.textContent = "Your choices have been saved.";
      applyChoice(before);
    }).catch(function () {
      // Fall back to the plain form post: the server records it and brings the visitor back.
      form.dataset.native = "1";
      form.requestSubmit(submitter);
    });
  }

  function onKeydown(event) {
    // Enter on a checkbox would submit the form with its first button (Accept all).
    if (event.key === "Enter" && event.target.type === "checkbox") event.preventDefault();
    if (event.key === "Escape" && !closeButton.hidden && banner.contains(event.target)) {
      event.preventDefault();
      hide(banner);
    }
  }

  function reopen(event) {
    opener = event.currentTarget;
    if (notice) notice.hidden = true;
    showBanner(true);
    banner.querySelector("#consent-title").focus();
  }

  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  document.querySelectorAll("[data-consent-form]").forEach(function (form) {
    form.addEventListener("submit", onSubmit);
    form.addEventListener("keydown", onKeydown);
  });
  manageButton.addEventListener("click", function () { setPanel(panel.hidden); });
  closeButton.addEventListener("click", function () { hide(banner); });
  document.querySelectorAll("[data-consent-open]").forEach(function (button) {
    button.addEventListener("click", reopen);
  });

  var state = currentState();
  var ask = whatToAsk(state);
  document.querySelectorAll("[data-consent-form]").forEach(function (form) { prefill(form, state); });
  if (ask === "consent") {
    showBanner(false);
  } else {
    if (ask === "privacy_update" && notice) notice.hidden = false;
    if (state.categories.analytics) loadAnalytics();
  }
})();
