"""System checks on what only the database knows: whether the shared cache can hold the site."""

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError

from wagtail.models import Page

# The most entries one live page puts in the shared cache: its response, and its fragments (an
# article's head data and body, a list's page) or its lists' further pages (docs/caching.md).
ENTRIES_PER_PAGE = 4


def cache_entries_needed(live_pages: int) -> int:
    return live_pages * ENTRIES_PER_PAGE


@checks.register(checks.Tags.caches, checks.Tags.database)
def check_cache_holds_the_site(app_configs=None, databases=None, **kwargs):
    """Warns (on `migrate`, and `check --database default`) when the database cache's MAX_ENTRIES
    is too small for the live pages: every page stored would push another out, and a crawl of the
    site would leave almost nothing cached. Redis is sized by its own maxmemory (docs/caching.md)."""
    if not databases or settings.DEBUG:
        return []
    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        return []
    try:
        live_pages = Page.objects.live().count()
    except DatabaseError:  # not migrated yet: nothing to cache either
        return []
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
