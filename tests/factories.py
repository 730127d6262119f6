"""Build small sites for tests: a home page, topics, hubs and articles with real images."""

import datetime
import itertools

from epitope.demo.imagegen import make_image
from epitope.core.site_setup import ensure_article_index, ensure_home, ensure_hub

_seq = itertools.count(1)


def topic(name, parent=None, slug=None):
    from django.utils.text import slugify

    from epitope.topics.models import Topic

    return Topic.objects.create(name=name, slug=slug or slugify(name), parent=parent)


def image(alt="Tumour cells surrounded by T cells", size=(320, 180)):
    n = next(_seq)
    return make_image(f"Image {n}", alt, seed=n, size=size)


def article(index, title, topics=(), article_type="news", date=None, hero=True, alt="Cells under attack", publish=True, **extra):
    from epitope.articles.models import ArticlePage

    page = ArticlePage(
        title=title,
        standfirst=extra.pop("standfirst", f"What {title} means for patients."),
        article_type=article_type,
        date=date or datetime.date(2026, 11, 1),
        hero_image=image(alt) if hero else None,
        live=False,
        **extra,
    )
    index.add_child(instance=page)
    page.topics.set(list(topics))
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


def hub_site():
    """Return a dict with a home page, article index, topic tree Immunology › Cancer immunology › Cell therapy and hubs."""
    home = ensure_home()
    immunology = topic("Immunology")
    cancer = topic("Cancer immunology", parent=immunology)
    cell = topic("Cell therapy", parent=cancer)
    vaccines = topic("Cancer vaccines", parent=cancer)
    return {
        "home": home,
        "index": ensure_article_index(home),
        "immunology": immunology,
        "cancer": cancer,
        "cell": cell,
        "vaccines": vaccines,
        "cancer_hub": ensure_hub(home, cancer, heading="Cancer Immunology – News and Features"),
        "cell_hub": ensure_hub(home, cell),
        "immunology_hub": ensure_hub(home, immunology),
    }


def author(index, name, role="Reporter", bio="<p>Writes about T cells.</p>", photo_alt="Portrait of a reporter", slug=None):
    """Return a published AuthorPage under the author index, with a photo unless photo_alt is None."""
    from django.utils.text import slugify

    from epitope.articles.models import AuthorPage

    page = AuthorPage(title=name, slug=slug or slugify(name), role=role, bio=bio,
                      photo=image(photo_alt) if photo_alt is not None else None)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def by(article, *authors):
    """Make the published article's authors these author pages, in this order, and publish it again."""
    from epitope.articles.models import ArticleAuthor

    article.authors = [ArticleAuthor(author=a) for a in authors]
    article.save_revision().publish()
    return article
