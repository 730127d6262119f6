"""`epitope generate-data`: synthetic articles, items and clusters that the site serves like real ones."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from epitope.demo import synthetic

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    return synthetic.generate(articles=60, items=400, clusters_ratio=0.5, seed=7, image_size=(160, 90))


def test_articles_are_live_pages_in_a_sound_tree_shown_on_hubs(generated, client):
    from wagtail.models import Page

    from epitope.articles.models import ArticlePage

    assert generated.articles == 60
    assert ArticlePage.objects.live().count() == 60
    assert Page.find_problems() == ([], [], [], [], [])  # paths, depth and numchild all consistent
    article = ArticlePage.objects.live().order_by("-date").first()
    assert client.get(article.url).status_code == 200
    hub = client.get("/immunology/")  # the root hub shows every topic below it
    assert hub.status_code == 200
    assert article.title in hub.content.decode()
    assert ArticlePage.objects.filter(date__year__lt=article.date.year - 2).exists()  # spread over years


def test_articles_share_a_handful_of_images(generated):
    from wagtail.images import get_image_model

    from epitope.articles.models import ArticlePage

    assert get_image_model().objects.count() == generated.images <= 10
    assert not ArticlePage.objects.filter(hero_image=None).exists()


def test_articles_are_found_by_search(generated, client):
    from epitope.articles.models import ArticlePage

    article = ArticlePage.objects.live().first()
    word = max(article.title.split(), key=len)
    page = client.get("/search/", {"q": word})
    assert page.status_code == 200
    assert str(page.context["search"].total) != "0"


def test_items_fall_into_clusters_whose_counts_add_up(generated):
    from epitope.ingest.models import Cluster, Item

    assert Item.objects.count() == 400
    assert generated.clusters == Cluster.objects.count()
    assert 120 < generated.clusters < 300  # about half as many stories as items
    assert Cluster.objects.aggregate(total=Sum("size"))["total"] == 400
    sizes = dict(Item.objects.values_list("cluster").annotate(n=Count("pk")))
    assert all(sizes[c.pk] == c.size and 1 <= c.source_count <= c.size for c in Cluster.objects.all())
    assert set(Item.objects.values_list("kind", flat=True)) == {"paper", "preprint", "trial", "news"}
    trial = Item.objects.filter(kind="trial").first()
    assert trial.nct.startswith("NCT") and trial.identity == f"nct:{trial.nct}"
    paper = Item.objects.filter(kind="paper").first()
    assert paper.pmid.isdigit() and paper.doi.startswith("10.") and paper.summary.startswith("Background:")


def test_generated_leads_show_in_the_inbox(generated, admin_client):
    page = admin_client.get("/admin/leads/")
    assert page.status_code == 200
    assert page.context["page"].paginator.count > 0


def test_the_same_seed_writes_the_same_items():
    from epitope.ingest.models import Item

    synthetic.generate(articles=0, items=50, seed=3)
    first = list(Item.objects.order_by("pk").values_list("identity", "title"))
    Item.objects.all().delete()
    synthetic.generate(articles=0, items=50, seed=3)
    assert list(Item.objects.order_by("pk").values_list("identity", "title")) == first


def test_running_twice_adds_more_articles_after_the_first(client):
    from wagtail.models import Page

    call_command("generate-data", "--articles", "5", "--items", "0", "--quiet")
    call_command("generate-data", "--articles", "5", "--items", "0", "--quiet", "--seed", "2")
    from epitope.articles.models import ArticlePage

    assert ArticlePage.objects.live().count() == 10
    assert Page.find_problems() == ([], [], [], [], [])


def test_command_refuses_a_ratio_outside_zero_to_one():
    with pytest.raises(CommandError, match="clusters-ratio"):
        call_command("generate-data", "--clusters-ratio", "0", "--quiet")


def test_a_huge_inbox_counts_leads_only_up_to_a_cap(admin_client, monkeypatch):
    from epitope.ingest import views

    monkeypatch.setattr(views.CappedPaginator, "CAP", 2 * views.PER_PAGE)
    synthetic.generate(articles=0, items=200, clusters_ratio=1.0, seed=5)
    page = admin_client.get("/admin/leads/")
    assert "Page 1 of 2+" in " ".join(page.content.decode().split())
    second = admin_client.get("/admin/leads/", {"p": "2"})  # counted up to CAP past itself: editors page on
    assert "Page 2 of 3+" in " ".join(second.content.decode().split()) and second.context["page"].has_next()
    from epitope.ingest.models import Cluster

    pages = -(-Cluster.objects.filter(items__status="new").distinct().count() // views.PER_PAGE)
    last = admin_client.get("/admin/leads/", {"p": str(pages)})  # the count is exact near the end
    assert f"Page {pages} of {pages} " in " ".join(last.content.decode().split()) and not last.context["page"].has_next()
    assert not last.context["page"].paginator.capped


def test_articles_and_the_newest_items_are_classified_so_facet_filters_find_them(generated, client):
    from django.contrib.contenttypes.models import ContentType

    from epitope.articles.models import ArticlePage
    from epitope.classify.models import ClassifiedConcept, StoredClassification
    from epitope.ingest.models import Cluster, Item

    pages = ContentType.objects.get_for_model(ArticlePage)
    assert StoredClassification.objects.filter(content_type=pages).count() == 60
    car_t = set(ClassifiedConcept.objects.filter(content_type=pages, facet="modality", concept="car-t")
                .values_list("object_id", flat=True))
    assert 0 < len(car_t) < 60  # a filter that finds some articles, not all
    shown = client.get("/immunology/", {"modality": "car-t"}).content.decode()
    assert any(ArticlePage.objects.get(pk=pk).title in shown for pk in car_t)
    items = ContentType.objects.get_for_model(Item)
    assert StoredClassification.objects.filter(content_type=items).count() == 400  # under CLASSIFIED_ITEMS
    assert Cluster.objects.filter(relevance__gt=0).exists()  # the inbox's default order has scores to go by
