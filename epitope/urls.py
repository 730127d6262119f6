from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from epitope.api import api as read_api
from epitope.topics.views_research import research_page
from epitope.topics.views_trends import trends_csv, trends_page

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("privacy/", include("epitope.privacy.urls")),
    path("search/", include("epitope.search.urls")),
    path("api/", read_api.urls),  # read-only JSON API, schema at /api/openapi.json
    path("newsletter/", include("epitope.newsletter.urls")),
    path("", include("epitope.feeds.urls")),  # robots.txt, sitemaps, /<hub>/feed/<kind>/
    # Per-hub pages beside the Wagtail page; an unknown slug falls through to Wagtail.
    path("<slug:hub_slug>/trends/", trends_page, name="hub_trends"),
    path("<slug:hub_slug>/trends.csv", trends_csv, name="hub_trends_csv"),
    path("<slug:hub_slug>/research/", research_page, name="hub_research"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif getattr(settings, "EPITOPE_SERVE_MEDIA", False):  # `epitope serve` on loopback, no web server in front
    from django.views.static import serve as serve_file

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]
