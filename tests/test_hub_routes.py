"""A hub's research and trends pages are routes of the hub page (TopicPage, RoutablePageMixin)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from epitope.ingest.pipeline import ingest_records
from tests import factories as f
from tests.page_cache_support import is_cached
from tests.test_hub_research import record, source

pytestmark = pytest.mark.django_db

SUB_PAGES = ("research/", "trends/", "trends.csv")


@pytest.fixture
def site():
    return f.hub_site()


def test_every_hub_answers_its_sub_pages_and_the_hub_links_to_them(client, site):
    f.article(site["index"], "A hub story", [site["cancer"]], hero=False)
    for hub in ("/cancer-immunology/", "/cell-therapy/", "/immunology/"):
        for sub in SUB_PAGES:
            assert client.get(hub + sub).status_code == 200, hub + sub
    html = client.get("/cancer-immunology/").content.decode()
    assert 'href="/cancer-immunology/trends/"' in html


def test_a_path_under_a_hub_that_is_no_route_of_it_is_404(client, site):
    for path in ("/cancer-immunology/nothing/", "/cancer-immunology/research/more/", "/cancer-immunology/trends.csv/",
                 "/cancer-immunology/other.csv", "/articles/trends.csv"):
        assert client.get(path).status_code == 404, path


def test_sub_pages_answer_head_and_refuse_other_methods(client, site):
    assert client.head("/cancer-immunology/trends/").status_code == 200
    assert client.head("/cancer-immunology/research/").status_code == 200
    assert client.put("/cancer-immunology/trends/").status_code == 405
    assert client.delete("/cancer-immunology/research/").status_code == 405


def test_sub_pages_of_a_login_only_hub_ask_for_a_login_as_the_hub_does(client, site):
    PageViewRestriction.objects.create(page=site["cancer_hub"], restriction_type=PageViewRestriction.LOGIN)
    for path in ("/cancer-immunology/", *(f"/cancer-immunology/{sub}" for sub in SUB_PAGES)):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].endswith(f"login/?next={path}"), path
    client.force_login(get_user_model().objects.create_user("reader", password="x"))
    for sub in SUB_PAGES:
        assert client.get(f"/cancer-immunology/{sub}").status_code == 200


def test_the_hub_is_kept_in_the_page_cache_and_its_research_page_shows_new_research_at_once(client, site, page_cache):
    journal = source("Journal of Tumour Immunity", site["cancer"])
    ingest_records(journal, [record(1, ("CD19 CAR-T cells in leukaemia", "CAR-T cells for leukaemia patients."))])
    for path in ("/cancer-immunology/", *(f"/cancer-immunology/{sub}" for sub in SUB_PAGES)):
        assert client.get(path).status_code == 200
    assert is_cached("/cancer-immunology/")
    assert not any(is_cached(f"/cancer-immunology/{sub}") for sub in SUB_PAGES)

    ingest_records(journal, [record(2, ("TIL therapy in melanoma", "Tumour-infiltrating lymphocytes for melanoma patients."))])
    assert "TIL therapy in melanoma" in client.get("/cancer-immunology/research/").content.decode()
