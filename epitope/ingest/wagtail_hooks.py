"""Ingestion in the Wagtail admin: Sources and ingested items (an "Ingestion" menu) and the Leads inbox."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import views
from .models import Item, Source


class SourceViewSet(ModelViewSet):
    model = Source
    icon = "link"
    menu_label = "Sources"
    form_fields = ["name", "kind", "url", "query", "topic", "interval_minutes", "active", "public"]
    list_display = ["name", "kind", "status", "topic", "last_success_at", "failure_count", "last_error"]
    list_filter = ["kind", "active", "public", "topic"]
    search_fields = ["name", "url", "query"]
    search_backend_name = None  # plain database filtering: sources are few and not search-indexed
    inspect_view_enabled = True


class ItemViewSet(ModelViewSet):
    """Ingested items; deleting one here records its identity so it is never ingested again."""

    model = Item
    icon = "doc-full"
    menu_label = "Ingested items"
    form_fields = ["status"]
    list_display = ["title", "source", "kind", "status", "published", "created_at"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["title", "identity", "doi", "pmid", "nct"]
    search_backend_name = None
    inspect_view_enabled = True
    add_to_admin_menu = False


class IngestionGroup(ViewSetGroup):
    menu_label = "Ingestion"
    menu_icon = "download"
    menu_order = 250
    items = (SourceViewSet("ingest_sources"), ItemViewSet("ingest_items"))


@hooks.register("register_admin_viewset")
def register_ingestion_viewsets():
    return IngestionGroup()


@hooks.register("register_admin_urls")
def register_leads_urls():
    return [
        path("leads/", views.index, name="ingest_leads"),
        path("leads/<int:cluster_id>/draft/", views.create_draft, name="ingest_lead_draft"),
        path("leads/<int:cluster_id>/dismiss/", views.dismiss, name="ingest_lead_dismiss"),
        path("leads/<int:cluster_id>/judge/", views.judge, name="ingest_lead_judge"),
    ]


@hooks.register("register_admin_menu_item")
def register_leads_menu_item():
    return MenuItem("Leads", reverse("ingest_leads"), icon_name="bell", order=240)
