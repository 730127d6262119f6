"""Shared by the page-cache tests: is a path's response stored for anonymous visitors?"""

from django.test import RequestFactory

from epitope.core import cache


def is_cached(path):
    return cache.lookup(RequestFactory().get(path).META) is not None
