"""Background work of the core app: purging a CDN after content changes, making renditions."""

from django_tasks import task

from . import frontend_purge, renditions


@task()
def purge_cdn_for_article(article_id, topics_before):
    """Purge the CDN copies of every page that shows the article."""
    from epitope.articles.models import ArticlePage

    article = ArticlePage.objects.filter(pk=article_id).first()
    if article is not None:
        frontend_purge.purge(frontend_purge.urls_for_article_change(article, topics_before))


@task()
def purge_cdn_for_topics(topic_ids):
    frontend_purge.purge(frontend_purge.urls_for_topic_change(topic_ids))


@task()
def purge_cdn_everything():
    frontend_purge.purge(frontend_purge.urls_for_everything())


@task()
def purge_cdn_urls(urls):
    frontend_purge.purge(urls)


@task()
def make_renditions(image_ids):
    """Make the renditions the site shows of these images (core.renditions); return how many."""
    return renditions.make_renditions(image_ids)
