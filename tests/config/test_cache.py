"""The Redis cache falls back to process memory while Redis is unreachable, so
the calendar (and every page that counts working days) keeps working."""

import datetime
import socket

import pytest
from django.core.cache import caches

from workflows import calendar


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket closes


@pytest.fixture
def dead_redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    calendar.reset_local_cache()
    yield caches["default"]
    calendar.reset_local_cache()


def test_fallback_cache_answers_from_memory_when_redis_is_down(dead_redis_cache):
    # when
    dead_redis_cache.set("k", "v", timeout=30)
    # then no error, and this process still reads its value
    assert dead_redis_cache.get("k") == "v"
    assert dead_redis_cache.degraded
    with pytest.raises(Exception):  # noqa: B017 - /readyz sees the outage
        dead_redis_cache.ping()


@pytest.mark.django_db
def test_calendar_counts_working_days_with_redis_down(dead_redis_cache):
    # when a deadline is counted (2026-10-01..07 is the National Day holiday)
    due = calendar.add_working_days(datetime.date(2026, 9, 30), 1)
    # then
    assert due == datetime.date(2026, 10, 8)


@pytest.mark.django_db
def test_calendar_page_answers_with_redis_down(dead_redis_cache, client, office_user):
    client.force_login(office_user)
    assert client.get("/workflows/calendar/").status_code == 200
