"""System checks on what only the database knows: whether the shared cache can hold the site."""

import redis

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError

from wagtail.models import Page

# The most entries one live page puts in the shared cache: its response, and its fragments (an
# article's head data and body, a list's page) or its lists' further pages (docs/caching.md).
ENTRIES_PER_PAGE = 4


# What one live page's entries take in Redis: a crawl of a 5,000-article site (5,525 URLs, 16,085
# keys) used 225 MB (bench/RESULTS.md), ~45 kB a page; with some room.
REDIS_BYTES_PER_PAGE = 48_000


def cache_entries_needed(live_pages: int) -> int:
    return live_pages * ENTRIES_PER_PAGE


def redis_bytes_needed(live_pages: int) -> int:
    return live_pages * REDIS_BYTES_PER_PAGE


@checks.register(checks.Tags.caches, checks.Tags.database)
def check_cache_holds_the_site(app_configs=None, databases=None, **kwargs):
    """Warns (on `migrate`, and `check --database default`) when the shared cache is too small for
    the live pages: every page stored would push another out, and a crawl of the site would leave
    almost nothing cached. The database cache is bounded by MAX_ENTRIES (clinic.W001), Redis by
    its `maxmemory` (clinic.W002; skipped when Redis cannot be reached or refuses CONFIG, as
    managed services may)."""
    if not databases or settings.DEBUG:
        return []
    cache = caches["default"]
    if not isinstance(cache, DatabaseCache | RedisCache):
        return []
    try:
        live_pages = Page.objects.live().count()
    except DatabaseError:  # not migrated yet: nothing to cache either
        return []
    if isinstance(cache, RedisCache):
        return _redis_holds(cache, live_pages)
    needed = cache_entries_needed(live_pages)
    if cache._max_entries >= needed:
        return []
    return [
        checks.Warning(
            f"The database cache holds {cache._max_entries:,} entries; {live_pages:,} live pages need "
            f"about {needed:,} (a page and its fragments), so most of the site is never served "
            "from the cache.",
            hint=f"Set CACHE_MAX_ENTRIES to at least {needed:,}, or set REDIS_URL (docs/caching.md).",
            id="clinic.W001",
        )
    ]


def _redis_holds(cache: RedisCache, live_pages: int) -> list:
    try:
        client = cache._cache.get_client(write=False)
        maxmemory = int(client.config_get("maxmemory").get("maxmemory", 0))
    except (redis.exceptions.RedisError, OSError, ValueError):
        return []
    needed = redis_bytes_needed(live_pages)
    if maxmemory == 0 or maxmemory >= needed:  # 0: no bound (deploy/redis.conf sets one)
        return []
    megabytes = -(-needed // (1024 * 1024))
    return [
        checks.Warning(
            f"Redis keeps at most {maxmemory / (1024 * 1024):,.0f} MB (maxmemory); {live_pages:,} live "
            f"pages need about {megabytes:,} MB, so it evicts pages as fast as they are cached.",
            hint=f"Set maxmemory to at least {megabytes:,}mb in redis.conf (docs/caching.md).",
            id="clinic.W002",
        )
    ]
