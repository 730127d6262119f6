"""The escaping of HTML written in Python is Django's, value for value."""

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from epitope.core.markup import esc


@pytest.mark.parametrize("value", [
    '<script>alert("x")</script> & \'quotes\'', mark_safe("<b>kept</b>"), gettext_lazy("Home & <away>"), 42, None, "",
])
def test_esc_escapes_as_django_does(value):
    assert esc(value) == conditional_escape(value)
    assert isinstance(esc(value), SafeString)  # safe to put into a template as it is


@pytest.mark.django_db
def test_a_hostile_headline_is_shown_as_text_on_the_hub(client):
    from tests import factories as f

    site = f.hub_site()
    f.article(site["index"], '<img src=x onerror="alert(1)"> & co', [site["cancer"]], hero=False)
    html = client.get("/cancer-immunology/").content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co" in html
    assert '<img src=x onerror="alert(1)">' not in html
