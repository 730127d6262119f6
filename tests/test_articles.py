import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from epitope.articles.alt_text import alt_text_error
from epitope.articles.models import ArticlePage, ArticleReference
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_article_page_shows_everything_a_reader_expects(client):
    site = f.hub_site()
    page = f.article(
        site["index"], "CAR-T after CAR-T", [site["cell"]], alt="A CAR-T cell binding a lymphoma cell",
        byline="By Jo Reporter", standfirst="A second CAR-T product helped some patients.",
        body=[("paragraph", "<p>The trial enrolled <b>adults</b>.</p>"),
              ("quote", {"quote": "This matters.", "attribution": "A clinician"})],
    )
    page.hero_image.caption, page.hero_image.credit = "T cells in culture", "Epitope illustration"
    page.hero_image.save()
    ArticleReference.objects.create(page=page, kind="doi", identifier="10.1000/xyz123")
    ArticleReference.objects.create(page=page, kind="pmid", identifier="12345678")
    ArticleReference.objects.create(page=page, kind="nct", identifier="NCT01234567")
    f.article(site["index"], "Sibling story", [site["cell"]])
    html = client.get(page.url).content.decode()
    for expected in [
        "<h1>CAR-T after CAR-T</h1>", "A second CAR-T product helped some patients.", "By Jo Reporter",
        'alt="A CAR-T cell binding a lymphoma cell"', "T cells in culture", "Credit: Epitope illustration",
        "<b>adults</b>", "This matters.", 'href="https://doi.org/10.1000/xyz123"',
        'href="https://pubmed.ncbi.nlm.nih.gov/12345678/"', 'href="https://clinicaltrials.gov/study/NCT01234567"',
        "Sibling story", 'href="/cell-therapy/"', 'aria-label="Breadcrumb"',
    ]:
        assert expected in html, expected
    # breadcrumbs follow the topic tree: Home › Immunology › Cancer immunology › hub
    crumbs = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert crumbs.index("/immunology/") < crumbs.index("/cancer-immunology/") < crumbs.index("/cell-therapy/")


def test_bad_reference_identifier_is_refused_with_a_clear_message():
    site = f.hub_site()
    page = f.article(site["index"], "Refs", [], hero=False)
    ref = ArticleReference(page=page, kind="nct", identifier="NCT123")
    with pytest.raises(Exception) as exc:
        ref.full_clean()
    assert "not a ClinicalTrials.gov id" in str(exc.value)


def test_alt_text_rule_names_the_image():
    site = f.hub_site()
    page = f.article(site["index"], "No alt", [], alt="", publish=False)
    message = alt_text_error(page)
    assert message and page.hero_image.title in message and "alt text" in message
    page.hero_image.description = "Cells"
    assert alt_text_error(page) is None


def _edit_post_data(page, **overrides):
    data = {
        "title": page.title, "slug": page.slug, "standfirst": page.standfirst, "article_type": page.article_type,
        "date": page.date.isoformat(), "byline": "", "hero_image": page.hero_image_id or "",
        "topics": [], "body-count": "0",
        "references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0", "references-MAX_NUM_FORMS": "1000",
        "authors-TOTAL_FORMS": "0", "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0", "authors-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_admin_refuses_to_publish_an_article_whose_image_lacks_alt_text(admin_client):
    site = f.hub_site()
    page = f.article(site["index"], "Missing alt", [], alt="", publish=False)
    url = f"/admin/pages/{page.pk}/edit/"
    response = admin_client.post(url, _edit_post_data(page, **{"action-publish": "Publish"}))
    assert response.status_code == 200
    assert "cannot be published" in response.content.decode()
    page.refresh_from_db()
    assert not page.live

    # saving a draft is allowed
    response = admin_client.post(url, _edit_post_data(page))
    assert response.status_code == 302

    page.hero_image.description = "Tumour cells"
    page.hero_image.save()
    response = admin_client.post(url, _edit_post_data(page, **{"action-publish": "Publish"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live


def test_scheduled_publishing_publishes_due_pages():
    site = f.hub_site()
    page = f.article(site["index"], "Embargoed", [site["cancer"]], publish=False)
    revision = page.latest_revision
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    page.refresh_from_db()
    assert not page.live
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert ArticlePage.objects.live().filter(title="Embargoed").exists()


def test_moderation_workflow_is_available_to_editors(admin_client):
    from wagtail.models import Workflow

    assert Workflow.objects.filter(active=True).exists(), "Wagtail's default moderation workflow"
    site = f.hub_site()
    page = f.article(site["index"], "For review", [], publish=False)
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", _edit_post_data(page, **{"action-submit": "Submit"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state is not None


def test_a_page_routed_before_is_not_served_once_unpublished_renamed_or_restricted(client):
    from wagtail.models import PageViewRestriction

    site = f.hub_site()
    page = f.article(site["index"], "Routed story", [site["cell"]], hero=False)
    url = page.url
    assert client.get(url).status_code == 200 and client.get(url).status_code == 200

    page.slug = "renamed-story"
    page.save_revision().publish()
    assert client.get(url).status_code == 404
    url = ArticlePage.objects.get(pk=page.pk).url
    assert client.get(url).status_code == 200

    PageViewRestriction.objects.create(page=site["index"], restriction_type=PageViewRestriction.LOGIN)
    assert client.get(url).status_code == 302  # to the login page
    PageViewRestriction.objects.all().delete()
    assert client.get(url).status_code == 200

    ArticlePage.objects.get(pk=page.pk).unpublish()
    assert client.get(url).status_code == 404


def test_references_follow_the_editors_order_and_edits_and_previews_show_the_form(client):
    site = f.hub_site()
    page = f.article(site["index"], "Ordered refs", [site["cell"]])
    page.references = [ArticleReference(kind="pmid", identifier="22222222"),
                       ArticleReference(kind="doi", identifier="10.1000/first")]
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    refs = html.split('id="refs-heading"')[1].split("</section>")[0]
    assert refs.index("pubmed.ncbi.nlm.nih.gov/22222222/") < refs.index("doi.org/10.1000/first")

    page = ArticlePage.objects.get(pk=page.pk)
    page.references = [ArticleReference(kind="doi", identifier="10.1000/first")]
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "doi.org/10.1000/first" in html and "22222222" not in html

    # A preview renders the editor's unsaved references, not the stored ones.
    draft = ArticlePage.objects.get(pk=page.pk)
    draft.references = [ArticleReference(kind="nct", identifier="NCT07654321")]
    preview = draft.make_preview_request().content.decode()
    assert "clinicaltrials.gov/study/NCT07654321" in preview and "10.1000/first" not in preview
