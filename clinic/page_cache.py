"""The page cache: anonymous GETs of public pages are answered from the shared cache.

Entries are keyed on a site-wide *generation*: any change that can show on a page other than its
own (publishing, unpublishing, moving or deleting a page; a page's view restrictions; team,
testimonials, care areas, images, sites, site settings) sets a new generation, and every earlier
entry is simply never read again (it expires after `PAGE_CACHE_SECONDS`). That is coarse but
always correct: an article's title shows on the index, home, related articles and search, and
working out every page that shows what would be easy to get wrong. Publishing is rare next to reading.

`content_changed` is sent after each new generation, so a front cache (Varnish, through
`wagtail.contrib.frontend_cache`) can be purged on exactly the same events: see docs/caching.md.

Never cached: anything but a 200 to an anonymous GET/HEAD without a session or messages cookie;
the admin; responses that set a cookie, carry a CSRF token (every form) or say
`private`/`no-cache`/`no-store` (Wagtail previews, `never_cache` views).
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.images.models import AbstractImage
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import get_snippet_models

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
# Request cookies that change what a page shows: the logged-in (or password-unlocked) session,
# and one-off messages. csrftoken does not: cached pages carry no CSRF token.
NEVER_CACHED_PREFIXES = ("/admin/", "/documents/", "/healthz")
UNCACHEABLE_CACHE_CONTROL = {"private", "no-cache", "no-store"}
# Response headers a cached copy keeps; the rest (e.g. CSP, HSTS) are added again on the way out.
KEPT_HEADERS = {"content-type", "content-language", "link", "x-frame-options", "vary"}

content_changed = Signal()
"""Sent (with `reason`) whenever published content changed and cached pages became stale."""


def _bypass_cookies() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, "messages")


def current_generation(request=None) -> str:
    """The site-wide generation; read once per request when the request is given."""
    generation = getattr(request, "_page_cache_generation", None)
    if generation is None:
        generation = _stored_or_new_generation(cache.get(GENERATION_KEY))
        if request is not None:
            request._page_cache_generation = generation
    return generation


def _stored_or_new_generation(generation: str | None) -> str:
    if generation is None:
        generation = uuid.uuid4().hex
        # add: of two processes starting at once, the first one's generation wins for both.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def get_current(request, key: str):
    """What `put_current` stored under `key`, if it was stored under the current generation, else
    None. When this request has not read the generation yet, both come in one round trip."""
    generation = getattr(request, "_page_cache_generation", None)
    if generation is None:
        found = cache.get_many([GENERATION_KEY, key])
        generation = request._page_cache_generation = _stored_or_new_generation(found.get(GENERATION_KEY))
        entry = found.get(key)
    else:
        entry = cached(request, key)
    return entry[1] if entry is not None and entry[0] == generation else None


def put_current(request, key: str, value, timeout: int) -> None:
    """Stores `value` under `key` with the generation this request rendered it under: a later
    generation never reads it, and the next render overwrites it."""
    cache.set(key, (current_generation(request), value), timeout=timeout)


def prefetch(request, keys: list[str]) -> None:
    """Reads `keys` in one round trip, for `cached` to answer each of them once from it: with the
    database cache every read is a query."""
    found = cache.get_many(keys)
    request.__dict__.setdefault("_cache_prefetched", {}).update({key: found.get(key) for key in keys})


def cached(request, key: str):
    """`cache.get(key)`, answered from what this request prefetched (the first time) when it can."""
    prefetched = getattr(request, "_cache_prefetched", None)
    if prefetched is not None and key in prefetched:
        return prefetched.pop(key)
    return cache.get(key)


def invalidate(reason: str) -> None:
    """Make every cached page stale, now and again once the current transaction commits (a page
    rendered meanwhile from the old data could otherwise be stored under the new generation)."""

    def bump() -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)
    logger.debug("Page cache invalidated: %s", reason)
    content_changed.send(sender=None, reason=reason)


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(NEVER_CACHED_PREFIXES)
        and not any(name in request.COOKIES for name in _bypass_cookies())
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in response.content:
        return False
    directives = {
        d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & UNCACHEABLE_CACHE_CONTROL:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _key(request) -> str:
    # get_full_path keeps the query string (?page=2, ?q=); the host and scheme keep sites apart.
    return f"pagecache:{request.scheme}://{request.get_host()}{request.get_full_path()}"


class PageCacheMiddleware:
    """Put early in MIDDLEWARE (after security and static files): a hit skips everything below.

    A URL has one entry, stored with the generation it was rendered under, so a lookup is one
    round trip to the cache (the generation and the entry together) and a stale entry is simply
    overwritten by the next render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if seconds <= 0 or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        # Everything this request renders (settings, menu, fragments) is read under the same
        # generation as this lookup.
        entry = get_current(request, key)
        if entry is not None:
            content, headers = entry
            response = HttpResponse(b"" if request.method == "HEAD" else content)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and _cacheable_response(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() in KEPT_HEADERS]
            put_current(request, key, (response.content, headers), seconds)
            response[HEADER] = "miss"
        return response


def _page_event(sender, instance=None, **kwargs) -> None:
    invalidate(f"page {getattr(instance, 'pk', '?')} published, unpublished or moved")


def _saved(sender, instance, update_fields=None, **kwargs) -> None:
    if _shows_on_pages(sender, update_fields):
        invalidate(f"{sender.__name__} {instance.pk} saved")


def _deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page) or _shows_on_pages(sender, None):
        invalidate(f"{sender.__name__} {instance.pk} deleted")


def _shows_on_pages(model, update_fields) -> bool:
    """Rows that show on public pages outside their own page: every snippet (team, testimonials,
    care areas), every site or generic setting (clinic details, the appointment link), sites,
    redirects, page view restrictions (a page made private must stop being served, and leave
    every list), and images (edited: not a computed field such as the file hash saved while rendering). A
    page's own save is a draft, which changes nothing public; publishing is handled above."""
    if issubclass(model, Page):
        return False
    if issubclass(model, AbstractImage):
        return update_fields is None
    return (
        issubclass(model, (BaseSiteSetting, BaseGenericSetting, Site, Redirect, PageViewRestriction))
        or model in get_snippet_models()
    )


def _migrated(sender, **kwargs) -> None:
    """A release is deployed with `migrate` (docs/deployment.md): pages and fragments rendered by
    the previous code's templates must not outlive it."""
    if sender.name != "clinic":  # sent once per app; one new generation is enough
        return
    try:
        invalidate("migrate: a new release")
    except DatabaseError:
        logger.info("Page cache not invalidated after migrate: its cache table does not exist yet.")


def connect_signals() -> None:
    """The one list of content changes; the front cache (clinic/frontend_cache.py) follows it
    through `content_changed`."""
    # Snippets publish and unpublish by saving, which post_save sees.
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_page_event, dispatch_uid=f"page_cache_{id(signal)}")
    post_save.connect(_saved, dispatch_uid="page_cache_saved")
    post_delete.connect(_deleted, dispatch_uid="page_cache_deleted")
    post_migrate.connect(_migrated, dispatch_uid="page_cache_migrated")
