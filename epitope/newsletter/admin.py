"""Read-mostly admin views, for operators checking who gets what and whether it went out."""

from django.contrib import admin

from .models import Delivery, Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ("frequency", "filters", "created_at", "confirmed_at", "unsubscribed_at")
    readonly_fields = fields


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "created_at")
    search_fields = ("email",)
    readonly_fields = ("secret_version", "created_at")
    inlines = [SubscriptionInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("issue_key", "subscriber", "status", "attempts", "article_count", "sent_at")
    list_filter = ("status", "issue_key")
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False
