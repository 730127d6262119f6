from django.urls import path

from . import views

app_name = "newsletter"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/export.json", views.export, name="export"),
    path("manage/<str:token>/delete/", views.delete, name="delete"),
    path("manage/<str:token>/revoke/", views.revoke, name="revoke"),
]
