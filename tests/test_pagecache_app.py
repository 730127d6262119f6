"""The page cache as an app of its own: it knows no feature app, bumps a tag once per change, and
tells a CDN the tags of each page it serves."""

import ast
from pathlib import Path

import pytest

import epitope.pagecache
from epitope.pagecache import cache
from tests import factories as f
from tests.page_cache_support import cdn  # noqa: F401 - a fixture
from tests.privacy_pages import policy_pages, publish_version

FEATURE_APPS = ("articles", "topics", "privacy", "newsletter", "ingest", "classify", "search", "feeds", "demo")
PACKAGE = Path(epitope.pagecache.__file__).parent


def imports(path):
    """Return (module imported, inside a function?) for every import in a module, relative ones made absolute."""
    found = []
    package = ["epitope", "pagecache", *path.relative_to(PACKAGE).parent.parts]

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = package[: len(package) - child.level + 1] if child.level else []
                found.append((".".join([*base, child.module or ""]).strip("."), in_function))
            walk(child, inside)

    walk(ast.parse(path.read_text()), False)
    return found


def test_the_page_cache_imports_no_feature_app():
    offenders = [
        (path.name, module)
        for path in PACKAGE.rglob("*.py")
        for module, _ in imports(path)
        if module.startswith(tuple(f"epitope.{app}" for app in FEATURE_APPS))
    ]
    assert offenders == []


def test_the_page_cache_imports_at_the_top_of_its_modules_except_where_models_are_not_ready():
    inside = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if any(late for _, late in imports(path))
    )
    # The package itself and its AppConfig are imported before Django has loaded any model.
    assert inside == ["__init__.py", "apps.py"]


@pytest.fixture
def bumps(monkeypatch):
    """Every cache.bump, as the set of tags bumped."""
    seen = []
    original = cache.bump

    def counting(tags):
        seen.append(set(tags))
        original(tags)

    monkeypatch.setattr(cache, "bump", counting)
    return seen


@pytest.mark.django_db
def test_publishing_a_policy_bumps_the_global_tag_once_and_again_after_the_commit(
    bumps, django_capture_on_commit_callbacks
):
    site = f.hub_site()
    privacy, _ = policy_pages(site["home"])
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        publish_version(privacy, "2")
    assert [tags for tags in bumps if cache.GLOBAL in tags] == [{cache.GLOBAL}]
    bumps.clear()
    for callback in after_commit:
        callback()
    assert [tags for tags in bumps if cache.GLOBAL in tags] == [{cache.GLOBAL}]


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_behind_a_cdn_a_stored_page_names_its_tags_for_purging_by_tag(client, cdn):  # noqa: F811
    site = f.hub_site()
    hub, topic = site["cancer_hub"], site["cancer"]
    miss = client.get("/cancer-immunology/")
    hit = client.get("/cancer-immunology/")
    assert (miss["X-Epitope-Cache"], hit["X-Epitope-Cache"]) == ("miss", "hit")
    for response in (miss, hit):
        tags = set(response["Cache-Tag"].split(","))
        assert {cache.GLOBAL, f"page:{hub.pk}", f"listing:{topic.pk}", f"topic:{topic.pk}"} <= tags
        assert set(response["Surrogate-Key"].split(" ")) == tags


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_without_a_cdn_no_tag_headers_are_sent(client):
    f.hub_site()
    response = client.get("/cancer-immunology/")
    assert response["X-Epitope-Cache"] == "miss"
    assert not response.has_header("Cache-Tag") and not response.has_header("Surrogate-Key")
