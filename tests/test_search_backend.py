"""The search backend chosen by EPITOPE_SEARCH_BACKEND: what the settings become, and clear refusals.

Only the database backend is exercised end to end here (tests/test_search.py); no OpenSearch or
Elasticsearch server runs on the test machine, so for those this checks the configuration
handed to Wagtail and that Wagtail ships the backend named.
"""

import os
import subprocess
import sys
from importlib.util import find_spec

import pytest
from django.core.exceptions import ImproperlyConfigured

from epitope.settings.search_backend import EXTERNAL, require_client, search_backends


def test_the_database_backend_is_the_default():
    assert search_backends({}) == {"default": {"BACKEND": "wagtail.search.backends.database"}}
    assert search_backends({"EPITOPE_SEARCH_BACKEND": " Database "})["default"]["BACKEND"] == (
        "wagtail.search.backends.database")


@pytest.mark.parametrize("name", sorted(EXTERNAL))
def test_each_external_backend_is_one_wagtail_ships_configured_from_the_environment(name):
    environ = {
        "EPITOPE_SEARCH_BACKEND": name,
        "EPITOPE_SEARCH_URLS": "https://epitope:secret@search-1.example.org:9200, http://search-2.example.org:9200",
        "EPITOPE_SEARCH_INDEX_PREFIX": "news_",
        "EPITOPE_SEARCH_TIMEOUT": "30",
    }
    config = search_backends(environ)["default"]
    assert config == {
        "BACKEND": f"wagtail.search.backends.{name}",
        "URLS": ["https://epitope:secret@search-1.example.org:9200", "http://search-2.example.org:9200"],
        "INDEX_PREFIX": "news_",
        "TIMEOUT": 30,
    }
    assert find_spec(config["BACKEND"]) is not None  # the module exists in the installed Wagtail
    assert search_backends({"EPITOPE_SEARCH_BACKEND": name, "EPITOPE_SEARCH_URLS": "http://s:9200"})["default"][
        "INDEX_PREFIX"] == "epitope_"


@pytest.mark.parametrize(("environ", "message"), [
    ({"EPITOPE_SEARCH_BACKEND": "solr"}, "EPITOPE_SEARCH_BACKEND='solr' is not a search backend: use database, opensearch2"),
    ({"EPITOPE_SEARCH_BACKEND": "opensearch3"}, "EPITOPE_SEARCH_BACKEND=opensearch3 needs EPITOPE_SEARCH_URLS"),
    ({"EPITOPE_SEARCH_BACKEND": "opensearch3", "EPITOPE_SEARCH_URLS": "search.example.org:9200"},
     "EPITOPE_SEARCH_URLS: 'search.example.org:9200' is not an http:// or https:// URL"),
    ({"EPITOPE_SEARCH_BACKEND": "elasticsearch8", "EPITOPE_SEARCH_URLS": "http://s:9200",
      "EPITOPE_SEARCH_TIMEOUT": "ten"}, "EPITOPE_SEARCH_TIMEOUT must be a whole number"),
])
def test_a_mistake_is_refused_naming_the_variable(environ, message):
    with pytest.raises(ImproperlyConfigured) as error:
        search_backends(environ)
    assert str(error.value).startswith(message)


@pytest.mark.skipif(find_spec("opensearchpy") is not None, reason="opensearch-py is installed here")
def test_a_backend_without_its_client_names_the_extra_to_install():
    backends = search_backends({"EPITOPE_SEARCH_BACKEND": "opensearch3", "EPITOPE_SEARCH_URLS": "http://s:9200"})
    with pytest.raises(ImproperlyConfigured, match=r"needs the opensearchpy client: pip install 'epitope\[opensearch\]'"):
        require_client(backends)
    require_client(search_backends({}))  # the database backend needs nothing


def test_the_epitope_command_stops_at_start_up_on_an_unknown_backend(tmp_path):
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    env.update(EPITOPE_SECRET_KEY="search-backend-test-secret", EPITOPE_ALLOWED_HOSTS="news.example.org",
               EPITOPE_VAR_DIR=str(tmp_path), EPITOPE_SEARCH_BACKEND="solr")
    result = subprocess.run([sys.executable, "-m", "epitope.cli", "check"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "EPITOPE_SEARCH_BACKEND='solr' is not a search backend" in result.stderr
