"""The test settings on the production pair: PostgreSQL (DATABASE_URL) and Redis.

`make test` runs the suite a second time with these, so SQL that only SQLite accepts (or a
cache key only locmem tolerates) fails here rather than in production. pytest-django creates
and drops `test_<NAME>` itself; the server needs nothing but a role that may create databases.
"""

import os

import dj_database_url

from .test import *  # noqa: F401,F403

_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/epitope_test"
DATABASES = {
    "default": dj_database_url.parse(
        _url if (_url := os.environ.get("DATABASE_URL", "")).startswith("postgres") else _DEFAULT_URL
    )
}

# Database 15 of the loopback Redis, with a prefix of its own: `cache.clear()` between tests
# flushes that database only, never a developer's cache in database 0.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ.get("EPITOPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "KEY_PREFIX": "epitope-test",
    }
}
