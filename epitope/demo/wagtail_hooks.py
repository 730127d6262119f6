"""The demo profile's Outbox in the admin menu; absent where mail is really sent."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import outbox, views


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [path("outbox/", views.outbox_index, name="demo_outbox")]


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return outbox.enabled()


@hooks.register("register_admin_menu_item")
def register_outbox_menu_item():
    return OutboxMenuItem("Outbox", reverse("demo_outbox"), icon_name="mail", order=260)
