"""Property-based run of schemathesis against the read API, in process through the WSGI app.

Bounded (25 examples an operation, no deadline) so it stays a test, not a soak. The schema is
fetched from the app itself at collection time (that endpoint reads no database); the data the
generated requests meet comes from a fixture.
"""

import datetime

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings

from tests import factories as f

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Keep the raw WSGI handler from closing the test's connection after each request.

    Django's test Client does the same; on PostgreSQL a closed connection ends the test's
    transaction, and every later request would fail.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def site():
    site = f.hub_site()
    f.article(site["index"], "CAR-T", [site["cell"]], byline="By Ada Lovelace", date=datetime.date(2026, 3, 1))
    f.article(site["index"], "Vaccine", [site["vaccines"]], article_type="feature", hero=False)
    return site


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_and_never_errors(case, site):
    case.call_and_validate()
