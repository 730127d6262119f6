"""Consent records in the Wagtail admin: listed, inspected and exported, never added or edited."""

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .models import ConsentRecord

READ_ONLY_ACTIONS = {"view"}


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Grant only "view", even to superusers: a proof of consent must not be rewritten."""

    def user_has_permission(self, user, action):
        return action in READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a in READ_ONLY_ACTIONS])


class ConsentRecordViewSet(ModelViewSet):
    model = ConsentRecord
    icon = "doc-full"
    menu_label = "Consent records"
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "created_at",
        "action",
        "allowed_categories",
        "privacy_policy_version",
        "cookie_policy_version",
        "user_agent_family",
        "consent_id",
    ]
    list_filter = ["action", "privacy_policy_version", "cookie_policy_version"]
    list_export = [
        "created_at",
        "consent_id",
        "action",
        "choices",
        "privacy_policy_version",
        "cookie_policy_version",
        "user_agent_family",
    ]
    export_filename = "consent-records"
    inspect_view_fields = list_export
    # There is no form: add/edit views are unreachable under the read-only policy,
    # but ModelViewSet still wants to know which fields a form would have.
    form_fields = []

    def get_urlpatterns(self):
        hidden = {"add", "edit", "delete", "copy"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name not in hidden]
