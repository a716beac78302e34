"""The services the suite runs against: PostgreSQL and Redis in CI, SQLite and memory otherwise."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from safeguarding import celery_app


def test_database_follows_database_url():
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.skipif(not os.environ.get("CI"), reason="CI must run on PostgreSQL and Redis")
def test_ci_runs_on_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_cache_round_trip():
    cache.set("plan-tracker-test", {"ok": 1}, 30)
    assert cache.get("plan-tracker-test") == {"ok": 1}


def test_celery_runs_in_process_without_a_broker():
    if settings.CELERY_BROKER_URL:
        connection_ = celery_app.connection_for_write()
        connection_.ensure_connection(max_retries=1)
        connection_.release()
    else:
        assert celery_app.conf.task_always_eager
