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


def test_admin_pages_ask_no_other_host_for_anything_not_even_avatars(live_server, page, django_user_model):
    """Gravatar avatars came over plain http from a third party (and broke offline)."""
    site = f.hub_site()
    article = f.article(site["index"], "Dendritic cells prime T cells", [site["cancer"]])
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "right-horse-battery")
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]) if "://" in request.url else None)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "right-horse-battery")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    avatars = []
    for path in ("/admin/", "/admin/account/", "/admin/users/", f"/admin/users/{editor.pk}/",
                 f"/admin/pages/{article.pk}/edit/", f"/admin/pages/{article.pk}/history/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        avatars += page.locator("img.avatar, .avatar img").evaluate_all("els => els.map(e => e.src)")
    assert hosts == {live_server.url.split("/")[2]}
    assert avatars and all(src.startswith(live_server.url + "/static/") for src in avatars), avatars
