from wagtail import hooks

from .middleware import capture_versions

# Last, so a page that an earlier hook answers itself (a view restriction's login or
# password form) is never marked cacheable.
hooks.register("before_serve_page", capture_versions, order=1000)
