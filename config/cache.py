"""A Redis cache that degrades to this process's memory while Redis is down.

The cache only speeds things up (the calendar's version token, nothing that must
survive), so a Redis outage must not turn pages into 500s: only notice delivery
waits for Redis. After an error the backend stays on local memory for
`RETRY_SECONDS`, then tries Redis again, so an outage costs one failed connect per
process every few seconds, not one per call.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def _errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a dead Redis must cost milliseconds, not the default minutes.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        params = {**params, "OPTIONS": options}
        super().__init__(server, params)
        self._local = LocMemCache("zhigui-fallback", {"TIMEOUT": self.default_timeout})
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name, *args, **kwargs):
        if not self.degraded:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _errors() as exc:
                with self._lock:
                    self._down_until = time.monotonic() + RETRY_SECONDS
                log.warning("cache: Redis unavailable (%s); using local memory", exc)
        return getattr(self._local, name)(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def get_or_set(self, *args, **kwargs):
        return self._call("get_or_set", *args, **kwargs)

    def clear(self):
        return self._call("clear")

    def ping(self) -> None:
        """Raise unless Redis answers (for /readyz; no fallback here)."""
        self._cache.get_client(write=False).ping()
