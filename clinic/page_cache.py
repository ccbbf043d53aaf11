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

Keys are the scheme, host and `path_info` (never `request.path`, which a forged `SCRIPT_NAME`
prefixes), plus only the query parameters the page reads: each page type and view names them
(`cache_query_parameters`, `reads_query_parameters`), so `?utm_source=...` or `?page=` on a page
without a list is served from the page's one entry. A URL's entry says which parameters its page
reads; the variants for other values of those parameters are entries of their own.
"""

import logging
import uuid
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import get_snippet_models

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
# Request cookies that change what a page shows: the logged-in (or password-unlocked) session,
# and one-off messages. csrftoken does not: cached pages carry no CSRF token.
# /_util/ is Wagtail's sign-in and password form for private pages (forms, a `next` to keep).
NEVER_CACHED_PREFIXES = ("/admin/", "/documents/", "/healthz", "/_util/")
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


def cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith(NEVER_CACHED_PREFIXES)
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
    # The key holds no request header: a response that says it differs by one (other than the
    # cookies, which decide above whether the cache is used at all) is not the same for everyone.
    if {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()} - {"cookie"}:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


# Which query parameters a response depends on


def note_query_parameters(request, names: tuple[str, ...] | None) -> None:
    """Tells the page cache that the response to `request` depends on these query parameters
    only (None: on the whole query string). Pages say it through `cache_query_parameters`
    (clinic/wagtail_hooks.py), plain views with `reads_query_parameters`."""
    request._page_cache_query_parameters = names


def reads_query_parameters(*names: str):
    """Decorates a view whose response depends on these query parameters and no others."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            note_query_parameters(request, names)
            return view(request, *args, **kwargs)

        wrapped.cache_query_parameters = names
        return wrapped

    return decorator


def _query(request, names: tuple[str, ...] | None) -> str:
    """The part of the query string that `names` read, in a fixed order ('' when none)."""
    if names is None:
        pairs = sorted(request.GET.lists())
    else:
        pairs = [(name, request.GET.getlist(name)) for name in sorted(names) if name in request.GET]
    return urlencode([(name, value) for name, values in pairs for value in values])


@dataclass(frozen=True)
class Entry:
    """What a URL's key holds: the query parameters its page reads, and the page as rendered
    for none of them (None until a request without them has been rendered)."""

    reads: tuple[str, ...] | None
    page: tuple[bytes, list] | None


def base_key(request) -> str:
    # The host and scheme keep sites apart; path_info is what Django routes on.
    return f"pagecache:{request.scheme}://{request.get_host()}{request.path_info}"


class PageCacheMiddleware:
    """Put early in MIDDLEWARE (after security and static files): a hit skips everything below.

    A URL's key holds an `Entry`, stored with the generation it was rendered under, so a lookup
    is one round trip to the cache (the generation and the entry together), and one more for a
    query string the page reads (`?page=2`, `?q=`). A stale entry is overwritten by the next render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if seconds <= 0 or not cacheable_request(request):
            return self.get_response(request)
        key = base_key(request)
        # Everything this request renders (settings, menu, fragments) is read under the same
        # generation as this lookup.
        entry = get_current(request, key)
        if entry is not None:
            query = _query(request, entry.reads)
            page = get_current(request, f"{key}?{query}") if query else entry.page
            if page is not None:
                return self._hit(request, page)
        response = self.get_response(request)
        if request.method == "GET" and _cacheable_response(request, response):
            self._store(request, response, key, entry, seconds)
            response[HEADER] = "miss"
        return response

    def _hit(self, request, page):
        content, headers = page
        response = HttpResponse(b"" if request.method == "HEAD" else content)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response

    def _store(self, request, response, key: str, entry: Entry | None, seconds: int) -> None:
        reads = getattr(request, "_page_cache_query_parameters", None)
        page = (response.content, [(k, v) for k, v in response.items() if k.lower() in KEPT_HEADERS])
        query = _query(request, reads)
        if not query:
            put_current(request, key, Entry(reads, page), seconds)
            return
        put_current(request, f"{key}?{query}", page, seconds)
        if entry is None or entry.reads != reads:
            # The URL's entry says where its variants are, until a plain request renders its page.
            put_current(request, key, Entry(reads, None), seconds)


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
    every list), images and documents (edited, replaced or moved to another collection: not a
    computed field such as the file hash or size saved while rendering or serving), and collections
    and their privacy (a document made private must stop being served by the front cache, which
    follows these events). A page's own save is a draft, which changes nothing public; publishing
    is handled above."""
    if issubclass(model, Page):
        return False
    if issubclass(model, (AbstractImage, AbstractDocument)):
        return update_fields is None
    return (
        issubclass(
            model,
            (
                BaseSiteSetting,
                BaseGenericSetting,
                Site,
                Redirect,
                PageViewRestriction,
                Collection,
                CollectionViewRestriction,
            ),
        )
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
