"""A Redis cache that degrades to no cache while Redis is unreachable, instead of failing pages.

Nothing the site must remember lives only in the cache (pages, settings and bookings are in the
database), so while Redis is down every call answers as Django's DummyCache would: reads miss,
writes are dropped, `add` reports success. After a failure the backend stops trying for
`RETRY_SECONDS`, so an outage costs one short connect timeout per process per interval rather
than one per cache call, and it logs one warning per outage (repeated every `WARN_SECONDS` while
it lasts), not a line per request.
"""

import functools
import logging
import threading
import time

import redis

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Errors that mean "the server can't be reached"; anything else (a bug, a wrong type) still raises.
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _fallback(value):
    """Run the Redis call; while Redis is unreachable, answer `value(*args)` as DummyCache would."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not self._available():
                return value(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._mark_down(error)
                return value(*args, **kwargs)
            self._mark_up()
            return result

        return wrapper

    return decorate


def _answer(constant):
    return lambda *args, **kwargs: constant


def _get_default(key, default=None, version=None):
    return default


def _incr_missing(key, *args, **kwargs):
    # As DummyCache: the key is not there, so it can't be incremented.
    raise ValueError(f"Key '{key}' not found (the cache is unavailable)")


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that treats an unreachable server as an empty cache.

    OPTIONS are Django's (passed to redis-py's connection pool); set short
    `socket_connect_timeout` and `socket_timeout` so a server that does not answer is given up
    on quickly. Extra OPTIONS read here: `retry_seconds` (default 10) and `warn_seconds` (300).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 10))
        self.warn_seconds = float(options.pop("warn_seconds", 300))
        super().__init__(server, {**params, "OPTIONS": options})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down_since: float | None = None
        self._warned_at = 0.0

    @property
    def is_available(self) -> bool:
        """False while the backend is skipping Redis after a failed call."""
        return self._down_since is None

    def _available(self) -> bool:
        return self._down_since is None or time.monotonic() >= self._down_until

    def _mark_down(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_seconds
            first = self._down_since is None
            if first:
                self._down_since = now
            if first or now - self._warned_at >= self.warn_seconds:
                self._warned_at = now
                logger.warning(
                    "Cache unavailable (%s: %s); serving without it, retrying every %gs",
                    type(error).__name__,
                    error,
                    self.retry_seconds,
                )

    def _mark_up(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            self._down_since = None
        logger.warning("Cache available again after %.0fs", seconds)

    add = _fallback(_answer(True))(RedisCache.add)
    get = _fallback(_get_default)(RedisCache.get)
    set = _fallback(_answer(None))(RedisCache.set)
    touch = _fallback(_answer(False))(RedisCache.touch)
    delete = _fallback(_answer(False))(RedisCache.delete)
    get_many = _fallback(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _fallback(_answer(False))(RedisCache.has_key)
    incr = _fallback(_incr_missing)(RedisCache.incr)
    set_many = _fallback(lambda data, *args, **kwargs: [])(RedisCache.set_many)
    delete_many = _fallback(_answer(None))(RedisCache.delete_many)
    clear = _fallback(_answer(None))(RedisCache.clear)
