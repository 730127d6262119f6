"""A listing page as a stock Wagtail site writes it: live children, newest first, 20 cards.

No prefetching: each card loads its image and asks for its rendition on its own, which is
what `{% for p in pages %}{% image p.hero_image fill-400x225 %}` does out of the box.
"""

from django.template.response import TemplateResponse

from epitope.articles.models import ArticleIndexPage


def stock_listing(request):
    index = ArticleIndexPage.objects.live().first()
    pages = index.get_children().live().public().specific().order_by("-first_published_at")[:20]
    return TemplateResponse(request, "hub_bench/stock_listing.html", {"page": index, "pages": pages})
