"""Which cache tags a page depends on, and which tags a change to content bumps.

The two halves must agree; the table below is the contract:

    page shown                 depends on
    ---------------------------------------------------------------------------------
    every page                 global (header nav lists the hubs; footer shows policies)
    article A                  page:A, listing:T for its topics (related stories),
                               topic:X for its topics and their ancestors (links, breadcrumbs)
    hub of topic T             page:H, listing:T, topic:T, topic:C for T's children
    home, /articles/           page:P, latest
    author page                page:P, latest (their stories: any article change may add one)
    anything else              page:P

    change                     bumps
    ---------------------------------------------------------------------------------
    article published, changed, unpublished or deleted
                               page:A, latest, listing:X for its topics before and after
                               the change and all their ancestors
    topic renamed or moved     topic:T, listing:X for T and its old and new ancestors
    hub, policy or other page  global (hub titles and policy links are on every page;
                               an author's name, photo and link are on their stories)
    home, article index        page:P
    image edited               as an article change, for each live article showing it
    who may see a page changed (view restriction set, changed or removed; unpublished;
    moved)                     as a change of that page and of every live page below it,
                               and restrictions (epitope.core.visibility)
"""

from .cache import GLOBAL, LATEST, listing_tag, page_tag, topic_tag


def _tree():
    from epitope.topics.listing import topic_tree

    return topic_tree()


def with_ancestors(topic_ids, tree=None):
    """Return the topic ids together with every ancestor of each."""
    tree = tree or _tree()
    found = set()
    for topic_id in topic_ids:
        node = topic_id
        while node is not None and node not in found:
            found.add(node)
            node = tree.parents.get(node)
    return found


def article_topic_ids(article):
    return set(type(article).topics.through.objects.filter(articlepage_id=article.pk).values_list("topic_id", flat=True))


def tags_for_page(page):
    """Return the tags a rendered page depends on."""
    from epitope.articles.models import ArticleIndexPage, ArticlePage, AuthorPage
    from epitope.core.models import HomePage
    from epitope.topics.models import TopicPage

    tags = {GLOBAL, page_tag(page.pk)}
    if isinstance(page, ArticlePage):
        topic_ids = article_topic_ids(page)
        tags |= {listing_tag(t) for t in topic_ids}
        tags |= {topic_tag(t) for t in with_ancestors(topic_ids)}
    elif isinstance(page, TopicPage):
        tree = _tree()
        children = [child for child, parent in tree.parents.items() if parent == page.topic_id]
        tags |= {listing_tag(page.topic_id), topic_tag(page.topic_id)}
        tags |= {topic_tag(child) for child in children}
    elif isinstance(page, (HomePage, ArticleIndexPage, AuthorPage)):
        tags.add(LATEST)
    return tags


def tags_for_article_change(article, topics_before=()):
    """Return the tags to bump when an article is published, changed, unpublished or deleted."""
    return tags_for_articles_change([article.pk], set(topics_before) | article_topic_ids(article))


def tags_for_articles_change(article_ids, topic_ids):
    """Return the tags to bump when these articles, filed under these topics, change."""
    if not article_ids:
        return set()
    return {page_tag(pk) for pk in article_ids} | {LATEST} | {listing_tag(t) for t in with_ancestors(topic_ids)}


def tags_for_topic_change(topic_id, parent_before=None):
    """Return the tags to bump when a topic is renamed, moved or deleted."""
    tree = _tree()
    chain = with_ancestors([topic_id], tree)
    if parent_before is not None:
        chain |= with_ancestors([parent_before], tree)
    return {topic_tag(topic_id)} | {listing_tag(t) for t in chain}


def tags_for_page_change(page):
    """Return the tags to bump when any page other than an article changes."""
    from epitope.articles.models import ArticleIndexPage
    from epitope.core.models import HomePage

    if isinstance(page, (HomePage, ArticleIndexPage)):
        return {page_tag(page.pk)}
    return {GLOBAL}
