from django.urls import path

from epitope.urls import urlpatterns as site_urls

from .stock_listing import stock_listing

urlpatterns = [path("bench/stock-listing/", stock_listing), *site_urls]
