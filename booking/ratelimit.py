"""A per-client limit on booking POSTs, kept in the shared cache so it holds across processes."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'10/h' -> (10, 3600); empty or '0' -> None (no limit)."""
    if not rate or rate.strip() in {"0", "off", "none"}:
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[:1] or "h"]


def client_key(request) -> str:
    # Hashed with the secret key: the cache never holds a patient's IP address.
    # Behind a reverse proxy every request comes from the proxy; a header the proxy *overwrites*
    # (e.g. X-Real-IP) names the client. Never trust a header the client can set itself.
    header = getattr(settings, "BOOKING_CLIENT_IP_HEADER", "")
    address = (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def allow(request, *, scope: str = "booking") -> bool:
    """Count this request; False once the client has used up the limit for the current window.

    Each allowed request claims one numbered ticket with `cache.add`, which is atomic in every
    cache backend we use (an INSERT on the database cache, SET NX on Redis), unlike `incr` on the
    database cache (read, then write): concurrent requests in several processes cannot overshoot."""
    rate = parse_rate(getattr(settings, "BOOKING_RATE_LIMIT", "10/h"))
    if rate is None:
        return True
    limit, period = rate
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client_key(request)}:{window}"
    return any(cache.add(f"{key}:{ticket}", 1, timeout=period + 60) for ticket in range(1, limit + 1))
