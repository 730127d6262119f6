from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ConsentRecordViewSet, ReadOnlyPermissionPolicy
from .models import ConsentRecord

register_permission_policy(ConsentRecord, ReadOnlyPermissionPolicy(ConsentRecord))


@hooks.register("register_admin_viewset")
def register_consent_records():
    return ConsentRecordViewSet("consent_records")
