"""The admin's Content-Security-Policy: sent on every admin page, no third-party host anywhere,
the strict policy on the sign-in pages (which use no inline script or style), the public one elsewhere."""

import re

import pytest
from django.test import Client

from epitope.core.csp import policy_for
from tests import factories

pytestmark = pytest.mark.django_db

# The only sources the admin's policies may name: our own origin and local schemes.
OWN = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}


def directives(response):
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.fixture
def editor(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def test_admin_pages_render_under_a_policy_of_our_own_origin_only(editor):
    site = factories.hub_site()
    article = factories.article(site["index"], "T cells in the lymph node", [site["cancer"]])
    pages = {
        "dashboard": "/admin/",
        "page editor": f"/admin/pages/{article.pk}/edit/",
        "explorer": f"/admin/pages/{site['index'].pk}/",
        "leads inbox": "/admin/leads/",
        "django admin": "/django-admin/",
    }
    for name, url in pages.items():
        response = editor.get(url)
        assert response.status_code == 200, name
        policy = directives(response)
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"], name
        assert policy["frame-ancestors"] == ["'self'"] and policy["base-uri"] == ["'self'"], name
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], name
        sources = {source for values in policy.values() for source in values}
        assert sources <= OWN, (name, sources - OWN)
        # what a browser would load from elsewhere, refused by the policy, should not be asked for
        assert "gravatar.com" not in response.content.decode(), name


def test_wagtail_still_writes_the_inline_scripts_that_unsafe_inline_is_for(editor):
    """If this fails, Wagtail no longer needs 'unsafe-inline' in script-src: tighten the policy."""
    site = factories.hub_site()
    article = factories.article(site["index"], "B cells in tertiary lymphoid structures", [site["cancer"]])
    html = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    inline = [s for s in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
              if "application/json" not in s[0] and s[1].strip()]
    assert inline


def assert_strict(response):
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    assert all("application/json" in attrs or not body.strip() for attrs, body in scripts)
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


def test_sign_in_pages_get_the_strict_policy_and_need_nothing_inline(django_user_model, settings):
    for url in ("/admin/login/", "/admin/password_reset/", "/django-admin/login/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert_strict(response)
    # the lockout page is the sign-in page's answer too
    django_user_model.objects.create_user("someone", password="right")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = Client(REMOTE_ADDR="10.0.0.1").post("/admin/login/", {"username": "someone", "password": "x"})
    assert response.status_code == 429
    assert_strict(response)


def test_public_pages_keep_their_policy(client):
    factories.hub_site()
    response = client.get("/cancer-immunology/")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and "unsafe" not in response["Content-Security-Policy"]
    assert "https://www.youtube-nocookie.com" in policy["frame-src"]


@pytest.mark.parametrize("path, policy", [
    ("/admin/", "admin"),
    ("/admin/leads/", "admin"),
    ("/admin/pages/3/edit/", "admin"),
    ("/django-admin/axes/accessattempt/", "admin"),
    ("/admin/login/", "sign-in"),
    ("/admin/password_reset/confirm/x/y/", "sign-in"),
    ("/django-admin/login/", "sign-in"),
    ("/admin/pages/3/edit/preview/", "public"),
    ("/admin/pages/add/articles/articlepage/2/preview/", "public"),
    ("/admin/pages/3/view_draft/", "public"),
    ("/admin/pages/3/revisions/7/view/", "public"),
    ("/admin/pages/workflow/preview/3/4/", "public"),
    ("/admin/snippets/privacy/policy/preview/5/", "public"),
    ("/administration-news/", "public"),
])
def test_which_policy_a_path_gets(settings, path, policy):
    expected = {"admin": settings.EPITOPE_ADMIN_CSP_DIRECTIVES, "sign-in": settings.EPITOPE_SIGN_IN_CSP_DIRECTIVES,
                "public": None}[policy]
    assert policy_for(path) is expected


def test_media_on_another_host_is_allowed_as_images_only(editor, client, settings):
    """Images in an S3 bucket behind a CDN domain: that one origin, in img-src, admin and public alike."""
    factories.hub_site()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "media", "custom_domain": "media.epitope.test", "querystring_auth": False},
    }}
    for response in (editor.get("/admin/"), client.get("/cancer-immunology/"), Client().get("/admin/login/")):
        policy = directives(response)
        assert policy["img-src"][-1] == "https://media.epitope.test"
        others = [s for name, values in policy.items() if name != "img-src" for s in values]
        assert not [s for s in others if "media.epitope.test" in s]
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    assert "media.epitope.test" not in editor.get("/admin/")["Content-Security-Policy"]
