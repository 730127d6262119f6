"""An editor signs in and works in the admin under its Content-Security-Policy: the browser reports no violation."""

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


def test_sign_in_dashboard_editor_and_leads_raise_no_csp_violation(live_server, page, django_user_model):
    site = f.hub_site()
    article = f.article(site["index"], "T cells in the lymph node", [site["cancer"]])
    django_user_model.objects.create_superuser("editor", "editor@example.org", "right-horse-battery")
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(CSP_LISTENER)

    visited = {}
    page.goto(live_server.url + "/admin/login/")
    visited["sign-in"] = page.evaluate("window.__cspViolations")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "right-horse-battery")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.wait_for_load_state("networkidle")
    visited["dashboard"] = page.evaluate("window.__cspViolations")
    for name, path in (("page editor", f"/admin/pages/{article.pk}/edit/"), ("leads inbox", "/admin/leads/"),
                       ("django admin", "/django-admin/")):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        visited[name] = page.evaluate("window.__cspViolations")
    assert visited == {name: [] for name in visited}
    assert not [e for e in errors if "Content Security Policy" in e]
