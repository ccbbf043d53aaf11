"""Fixed-window rate limits whose counters live in the database, so nothing can evict them.

The cache is the wrong home for a limit: the database cache culls a third of its rows once it
holds 300 and Redis evicts keys under memory pressure, so a flood from other addresses could
free a blocked one. Here each (scope, key, window) is one `RateLimitCounter` row, incremented
atomically, and only rows whose window has ended are ever deleted. Redis being down changes
nothing: the limits need only the database, which a booking needs anyway."""

import hashlib
import ipaddress
import unicodedata
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clinic.accounts import client_ip
from clinic.models import RateLimitCounter

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'10/h' -> (10, 3600); empty or '0' -> None (no limit)."""
    if not rate or rate.strip() in {"0", "off", "none"}:
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[:1] or "h"]


def client_network(address: str) -> str:
    """The unit one client is counted by: an IPv4 address, or an IPv6 address's /64.

    One IPv6 subscriber gets a whole /64 (often more) and can use a fresh address for every
    request, so counting single IPv6 addresses would give each of them its own quota."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_key(request) -> str:
    # Hashed with the secret key: the database never holds a patient's IP address.
    return hashed(client_network(client_ip(request)))


def email_key(address: str) -> str:
    """One spelling per email address, for matching and counting: compatibility characters
    replaced (NFKC: the Kelvin sign is a K, a long s an s), then case folded. Letters that only
    look alike ("ı", dotless) stay themselves, so they never match another address."""
    return unicodedata.normalize("NFKC", address.strip()).casefold()


def hashed(value: str) -> str:
    """A keyed hash, so counters keyed by an address or an email never reveal it."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def hit(*, scope: str, key: str, limit: int, period: int, now: datetime | None = None) -> bool:
    """Count one attempt at `scope` by `key`; False once more than `limit` fall in this window."""
    return count_attempt(scope=scope, key=key, period=period, now=now) <= limit


def count_attempt(*, scope: str, key: str, period: int, now: datetime | None = None) -> int:
    """Add one to this window's counter and return the new count.

    The UPDATE takes the row's lock until commit, so the count read back afterwards is exactly
    this attempt's number, however many processes count at once. A new window's row is created
    with the count 1; if two processes create it together, the unique constraint lets one in
    and `get_or_create` hands the other the existing row to increment."""
    now = now or timezone.now()
    epoch = int(now.timestamp())
    window_start = datetime.fromtimestamp(epoch - epoch % period, tz=UTC)
    with transaction.atomic():
        counter, created = RateLimitCounter.objects.get_or_create(
            scope=scope,
            key=key,
            window_start=window_start,
            defaults={"count": 1, "expires_at": window_start + timedelta(seconds=period)},
        )
        if created:
            # Once per client and window: clear out windows that have ended.
            RateLimitCounter.objects.filter(expires_at__lt=now).delete()
            return 1
        RateLimitCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        return RateLimitCounter.objects.values_list("count", flat=True).get(pk=counter.pk)


def allow(request, *, scope: str = "booking", rate: str | None = None, key: str | None = None) -> bool:
    """Count this request against a limit (`BOOKING_RATE_LIMIT` unless `rate` is given), kept per
    client address unless another `key` is given; False once it is used up for this window."""
    parsed = parse_rate(rate if rate is not None else getattr(settings, "BOOKING_RATE_LIMIT", "10/h"))
    if parsed is None:
        return True
    limit, period = parsed
    return hit(scope=scope, key=key or client_key(request), limit=limit, period=period)
