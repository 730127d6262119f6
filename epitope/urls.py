from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.views import serve as wagtail_serve

from epitope.api import api as read_api

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("privacy/", include("epitope.privacy.urls")),
    path("search/", include("epitope.search.urls")),
    path("api/", read_api.urls),  # read-only JSON API, schema at /api/openapi.json
    path("newsletter/", include("epitope.newsletter.urls")),
    path("", include("epitope.feeds.urls")),  # robots.txt, sitemaps, /<hub>/feed/<kind>/
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif getattr(settings, "EPITOPE_SERVE_MEDIA", False):  # `epitope serve` on loopback, no web server in front
    from django.views.static import serve as serve_file

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [
    # Wagtail's own pattern takes only paths ending in "/"; this one hands it a page route that
    # ends in a file name too: a hub's data as CSV (/<hub>/trends.csv, a route of TopicPage).
    # After the media patterns, so a CSV file under /media/ is still served as a file.
    re_path(r"^((?:[\w\-]+/)+[\w\-]+\.csv)$", wagtail_serve),
    path("", include(wagtail_urls)),
]
