from django.urls import path, re_path
from wagtail.contrib.sitemaps.views import sitemap

from .sitemaps import ImageSitemap
from .views import author_feed, hub_feed, news_sitemap, robots_txt

urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": ImageSitemap}, "template_name": "feeds/sitemap.xml"},
        name="sitemap",
    ),
    path("news-sitemap.xml", news_sitemap, name="news_sitemap"),
    re_path(r"^(?P<hub>[-\w]+)/feed/(?P<kind>rss|atom|json)/$", hub_feed, name="hub_feed"),
    # Beside the author pages (AuthorIndexPage at /authors/, as site_setup makes it).
    re_path(r"^authors/(?P<author>[-\w]+)/feed/(?P<kind>rss|atom|json)/$", author_feed, name="author_feed"),
]
