"""`/healthz` (the process answers) and `/readyz` (database, cache, broker, beat
heartbeat). No authentication and no data: only which part failed."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    else:
        cache.set("readyz", "1", timeout=5)
    return "ok"


def _broker() -> str:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    return "ok"


def _beat() -> str:
    from config.models import Heartbeat

    row = Heartbeat.objects.filter(name="beat").first()
    if row is None:
        raise RuntimeError("no heartbeat yet")
    age = (timezone.now() - row.beat_at).total_seconds()
    if age > settings.READYZ_BEAT_MAX_AGE_SECONDS:
        raise RuntimeError(f"heartbeat {int(age)} s old")
    return f"ok ({int(age)} s)"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "beat": _beat}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results, failing = {}, []
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure marks the part down
            log.warning("readyz: %s failed: %s", name, exc)
            failing.append(name)
            # The kind of error only: no hosts, paths or credentials.
            detail = str(exc) if isinstance(exc, RuntimeError) else ""
            results[name] = f"failed ({detail or type(exc).__name__})"
            if name == "database":
                connection.close_if_unusable_or_obsolete()
    status = 503 if failing else 200
    body = {"status": "unavailable" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=status)
