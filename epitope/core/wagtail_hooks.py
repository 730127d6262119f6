from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_login_lockouts_menu_item():
    # Axes' own list of locked users and addresses (django admin): deleting a row unlocks it.
    return SuperuserMenuItem("Login lockouts", reverse("admin:axes_accessattempt_changelist"),
                             icon_name="lock", order=900)
