"""The Redis cache backend treats an unreachable Redis as an empty cache, with one warning."""

import logging
import socket
import threading
import time

import pytest

from clinic.cache import ResilientRedisCache

# Nothing listens on port 1: connections are refused at once, as when Redis is stopped.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def dead_cache(**options) -> ResilientRedisCache:
    return ResilientRedisCache(
        DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, **options}}
    )


def warnings_logged(caplog) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "clinic.cache" and r.levelno == logging.WARNING
    ]


def test_get_from_an_unreachable_redis_answers_the_default():
    assert dead_cache().get("key", "fallback") == "fallback"


def test_set_to_an_unreachable_redis_does_not_raise():
    cache = dead_cache()
    cache.set("key", "value")
    assert cache.get("key") is None


def test_add_to_an_unreachable_redis_reports_success_as_a_dummy_cache_does():
    # Callers such as the booking rate limit then let the request through rather than refuse it.
    assert dead_cache().add("key", 1) is True


def test_get_many_from_an_unreachable_redis_is_empty():
    assert dead_cache().get_many(["a", "b"]) == {}


def test_get_or_set_with_an_unreachable_redis_computes_the_value():
    assert dead_cache().get_or_set("key", lambda: 42) == 42


def test_an_outage_logs_one_warning_however_many_calls_fail(caplog):
    cache = dead_cache(retry_seconds=0)  # try Redis on every call: each one fails
    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        for _ in range(50):
            cache.get("key")
    assert len(warnings_logged(caplog)) == 1


def test_the_warning_repeats_once_per_warn_period_while_the_outage_lasts(caplog):
    cache = dead_cache(retry_seconds=0, warn_seconds=0.2)
    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        cache.get("key")
        cache.get("key")
        time.sleep(0.25)
        cache.get("key")
    assert len(warnings_logged(caplog)) == 2


class RefusingServer:
    """A TCP server that accepts each connection and closes it at once: a broken Redis that
    counts how often it is tried."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def refusing_server():
    server = RefusingServer()
    yield server
    server.sock.close()


def cache_at(url: str, **options) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"OPTIONS": {"socket_timeout": 0.25, **options}})


def test_after_a_failure_redis_is_not_tried_again_within_the_retry_interval(refusing_server):
    cache = cache_at(refusing_server.url, retry_seconds=60)
    cache.get("key")
    tried = refusing_server.connections
    for _ in range(100):
        cache.get("key")
    assert refusing_server.connections == tried


def test_an_unreachable_redis_is_tried_again_once_the_retry_interval_has_passed(refusing_server):
    cache = cache_at(refusing_server.url, retry_seconds=0.1)
    cache.get("key")
    tried = refusing_server.connections
    time.sleep(0.2)
    cache.get("key")
    assert refusing_server.connections > tried


def test_the_backend_reports_itself_unavailable_after_a_failure():
    cache = dead_cache()
    cache.get("key")
    assert cache.is_available is False


def test_incr_on_an_unreachable_redis_raises_value_error_as_for_a_missing_key():
    with pytest.raises(ValueError, match="not found"):
        dead_cache().incr("counter")
