from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("consent/", views.record_consent, name="consent"),
]
