"""Hubs filter by the classifier's facets, cards show an evidence badge, and caches keep up."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.page_cache_support import is_cached

pytestmark = pytest.mark.django_db

CAR_T = dict(
    title="CAR-T cells in relapsed lymphoma",
    standfirst="A phase 1 trial gave CD19 CAR-T cells to 24 patients with lymphoma after chemotherapy failed.",
)
CHECKPOINT = dict(
    title="Checkpoint blockade in melanoma mice",
    standfirst="In mice with melanoma, a PD-1 inhibitor shrank tumours when combined with a cancer vaccine.",
)


def titles(response):
    return [a.title for a in response.context["cards"]]


def story(site, spec, **extra):
    return f.article(site["index"], spec["title"], extra.pop("topics", [site["cancer"]]), standfirst=spec["standfirst"],
                     hero=False, **extra)


@pytest.fixture
def site():
    site = f.hub_site()
    story(site, CAR_T, date=datetime.date(2026, 3, 1))
    story(site, CHECKPOINT, date=datetime.date(2026, 2, 1))
    return site


def test_modality_filter_lists_only_matching_stories(client, site):
    assert titles(client.get("/cancer-immunology/?modality=car-t")) == [CAR_T["title"]]
    assert titles(client.get("/cancer-immunology/?modality=checkpoint-inhibitor")) == [CHECKPOINT["title"]]
    # A broad concept finds the narrow ones below it: CAR-T is a cell therapy.
    assert titles(client.get("/cancer-immunology/?modality=cell-therapy")) == [CAR_T["title"]]
    assert len(titles(client.get("/cancer-immunology/"))) == 2


def test_cancer_type_target_and_evidence_filters(client, site):
    assert titles(client.get("/cancer-immunology/?cancer_type=melanoma")) == [CHECKPOINT["title"]]
    assert titles(client.get("/cancer-immunology/?target=cd19")) == [CAR_T["title"]]
    assert titles(client.get("/cancer-immunology/?evidence=phase-1")) == [CAR_T["title"]]
    assert titles(client.get("/cancer-immunology/?evidence=mouse")) == [CHECKPOINT["title"]]
    assert titles(client.get("/cancer-immunology/?modality=car-t&cancer_type=melanoma")) == []


def test_filters_combine_with_type_and_subtopic_hubs(client, site):
    story(site, {"title": "CAR-T feature", "standfirst": "How CAR-T cells are made for lymphoma patients."},
          article_type="feature", topics=[site["cell"]])
    assert titles(client.get("/cancer-immunology/?modality=car-t&type=feature")) == ["CAR-T feature"]
    assert titles(client.get("/cancer-immunology/?type=news&modality=car-t")) == [CAR_T["title"]]
    assert titles(client.get("/cell-therapy/?modality=car-t")) == ["CAR-T feature"]


@pytest.mark.parametrize("query", ["?modality=banana", "?modality=melanoma", "?cancer_type=car-t", "?target=nope",
                                   "?evidence=phase-9", "?modality=car-t&type=opinion"])
def test_unknown_facet_value_is_a_clean_404(client, site, query):
    assert client.get("/cancer-immunology/" + query).status_code == 404


def test_filter_bar_lists_values_present_with_counts_as_links(client, site):
    html = client.get("/cancer-immunology/").content.decode()
    assert 'aria-label="Filter stories"' in html
    assert '<a href="?modality=car-t">CAR-T <span class="facet-count">(1)</span></a>' in html
    assert '<a href="?cancer_type=melanoma">Melanoma <span class="facet-count">(1)</span></a>' in html
    assert '<a href="?evidence=phase-1">Phase 1 <span class="facet-count">(1)</span></a>' in html
    assert "?modality=bispecific" not in html  # no story here is about a bispecific
    chosen = client.get("/cancer-immunology/?type=news&modality=car-t").content.decode()
    # The chosen value links back to the unfiltered list (keeping the type), other values keep the filter.
    assert '<a href="?type=news" aria-current="true">CAR-T' in chosen
    assert '<a href="?type=news&amp;modality=car-t&amp;cancer_type=lymphoma">Lymphoma' in chosen
    # The type filter keeps the facet filter.
    assert 'href="?type=feature&amp;modality=car-t"' in chosen


def test_pagination_links_keep_every_filter(client, site):
    for n in range(13):
        story(site, {"title": f"CAR-T story {n}", "standfirst": "CAR-T cells for lymphoma, in a phase 1 trial."},
              date=datetime.date(2025, 1, n + 1))
    first = client.get("/cancer-immunology/?type=news&modality=car-t")
    assert len(titles(first)) == 12
    assert 'href="?type=news&amp;modality=car-t&amp;page=2"' in first.content.decode()
    second = client.get("/cancer-immunology/?type=news&modality=car-t&page=2")
    assert titles(second) == ["CAR-T story 1", "CAR-T story 0"]
    assert 'href="?type=news&amp;modality=car-t&amp;page=1"' in second.content.decode()


def test_cards_show_the_evidence_badge(client, site):
    html = client.get("/cancer-immunology/").content.decode()
    assert '<span class="card-badge">Phase 1 trial</span>' in html
    assert '<span class="card-badge">Mouse study</span>' in html
    assert '<span class="card-badge">Phase 1 trial</span>' in client.get("/articles/").content.decode()


def _queries(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_filtered_hub_query_count_does_not_grow_with_articles(client, site):
    path = "/cancer-immunology/?modality=car-t&evidence=phase-1"
    few = _queries(client, path)
    for n in range(20):
        story(site, {"title": f"More CAR-T {n}", "standfirst": "Phase 1 CAR-T for myeloma patients."},
              date=datetime.date(2025, 6, 1) + datetime.timedelta(days=n))
    many = _queries(client, path)
    assert len(titles(client.get(path))) == 12
    assert many == few, f"{few} queries with 2 articles, {many} with 22"


def test_hub_feed_filters_through_the_hub_listing(client, site):
    feed = feedparser.parse(client.get("/cancer-immunology/feed/atom/?modality=car-t").content)
    assert [e.title for e in feed.entries] == [CAR_T["title"]]
    assert "CAR-T" in feed.feed.title
    feed = feedparser.parse(client.get("/cancer-immunology/feed/rss/?evidence=mouse").content)
    assert [e.title for e in feed.entries] == [CHECKPOINT["title"]]
    feed = feedparser.parse(client.get("/cancer-immunology/feed/json/?target=cd19&type=news").content)
    assert client.get("/cancer-immunology/feed/atom/?target=nope").status_code == 404


def test_filtered_hubs_are_cached(client, site, page_cache):
    path = "/cancer-immunology/?modality=car-t&page=1"
    assert client.get(path)["X-Epitope-Cache"] == "miss"
    assert client.get(path)["X-Epitope-Cache"] == "hit"
    assert not is_cached("/cancer-immunology/?modality=car-t&utm_source=x")


def test_an_editors_correction_purges_the_cached_filtered_hub(client, site, page_cache):
    from django.contrib.contenttypes.models import ContentType

    from epitope.articles.models import ArticlePage
    from epitope.classify.models import TagCorrection

    path = "/cancer-immunology/?modality=car-t"
    assert titles(client.get(path)) == [CAR_T["title"]]
    client.get("/cancer-immunology/")
    assert is_cached(path) and is_cached("/cancer-immunology/")
    article = ArticlePage.objects.get(title=CAR_T["title"])
    TagCorrection.objects.create(content_type=ContentType.objects.get_for_model(article), object_id=str(article.pk),
                                 facet="modality", concept="car-t", action="remove")
    assert not is_cached(path) and not is_cached("/cancer-immunology/")
    response = client.get(path)
    assert response["X-Epitope-Cache"] == "miss" and titles(response) == []


def test_republishing_with_new_words_reclassifies_and_purges(client, site, page_cache):
    from epitope.articles.models import ArticlePage

    path = "/cancer-immunology/?modality=tcr-t"
    assert titles(client.get(path)) == []
    assert is_cached(path)
    article = ArticlePage.objects.get(title=CHECKPOINT["title"])
    article.standfirst = "Engineered TCR-T cells cleared melanoma in mice."
    article.save_revision().publish()
    assert not is_cached(path)
    assert titles(client.get(path)) == [CHECKPOINT["title"]]


def test_saving_a_draft_of_a_live_article_keeps_its_published_tags(client, site):
    from epitope.articles.models import ArticlePage

    article = ArticlePage.objects.get(title=CAR_T["title"])
    article.standfirst = "Now about TCR-T cells instead."
    article.save_revision()
    assert titles(client.get("/cancer-immunology/?modality=car-t")) == [CAR_T["title"]]
    assert titles(client.get("/cancer-immunology/?modality=tcr-t")) == []


def test_filter_bar_counts_follow_publishing_corrections_and_unpublishing(client, site):
    """The counts are kept per process until the hub's listing tag is bumped: never stale."""
    from django.contrib.contenttypes.models import ContentType

    from epitope.articles.models import ArticlePage
    from epitope.classify.models import TagCorrection

    def car_t_count(path="/cancer-immunology/"):
        groups = client.get(path).context["filter_groups"]
        return next((o.count for g in groups for o in g.options if o.value == "car-t"), 0)

    assert car_t_count() == 1
    second = story(site, {"title": "CAR-T cells for myeloma", "standfirst": "CAR-T cells given to myeloma patients."},
                   topics=[site["cell"]])  # published under a subtopic: the parent hub counts it too
    assert car_t_count() == 2 and car_t_count("/cell-therapy/") == 1
    first = ArticlePage.objects.get(title=CAR_T["title"])
    TagCorrection.objects.create(content_type=ContentType.objects.get_for_model(first), object_id=str(first.pk),
                                 facet="modality", concept="car-t", action="remove")
    assert car_t_count() == 1
    ArticlePage.objects.get(pk=second.pk).unpublish()
    assert car_t_count() == 0 and car_t_count("/cell-therapy/") == 0


def test_filter_bar_markup_follows_publishing_and_unpublishing(client, site):
    """The filter bar's markup is kept with its counts: what readers see changes when they do."""
    from epitope.articles.models import ArticlePage

    def car_t_link(path="/cancer-immunology/"):
        html = client.get(path).content.decode()
        nav = html[html.index('<nav class="facet-filter"'):]
        nav = nav[:nav.index("</nav>")]
        return next((line for line in nav.split("<li>") if "modality=car-t" in line), "")

    assert '(1)</span>' in car_t_link() and car_t_link() == car_t_link()
    second = story(site, {"title": "CAR-T cells for myeloma", "standfirst": "CAR-T cells given to myeloma patients."})
    assert '(2)</span>' in car_t_link()
    ArticlePage.objects.get(pk=second.pk).unpublish()
    assert '(1)</span>' in car_t_link()
    ArticlePage.objects.get(title=CAR_T["title"]).unpublish()
    assert car_t_link() == ""
