"""The site's public origin, and the absolute URLs built from it (emails, .ics, feed, sitemap,
canonical and Open Graph links): one place, so a link never names a host the site is not on."""

from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings

from wagtail.models import Site


def public_origin(request=None, *, site_root_url: str | None = None) -> str:
    """`CLINIC_PUBLIC_URL` when set (always in production); otherwise where this request came in
    (development); otherwise the Site record's root URL (a task sending an email in development)."""
    if settings.CLINIC_PUBLIC_URL:
        return settings.CLINIC_PUBLIC_URL
    if request is not None and hasattr(request, "get_host"):
        return f"{request.scheme}://{request.get_host()}"
    if site_root_url is None:
        site = Site.objects.filter(is_default_site=True).first()
        site_root_url = site.root_url if site else ""
    return site_root_url


def absolute_url(path: str, request=None) -> str:
    """A site path ("/book/...") as an absolute URL on the public origin; absolute URLs (media on
    another host) are returned as they are."""
    if urlsplit(path).scheme:
        return path
    return public_origin(request) + "/" + path.lstrip("/")


# The request being answered in this thread (or task): what a page's URL caches the site root
# paths on when it is asked for without one.
_current_request: ContextVar = ContextVar("clinic_current_request", default=None)


class RequestURLCacheMiddleware:
    """Lets pages asked for their URL without the request (`{{ page.url }}` in templates, Wagtail's
    page explorer among them) share the request's site root paths: Wagtail keeps them on the object
    it is given, the page itself otherwise, which cost one cache read per page listed (50 a
    page of the explorer; issue 16)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


class PublicURLMixin:
    """For every page model, before `Page`: its full URL (`full_url`, `get_full_url`, sitemap
    entries) uses the public origin instead of the Site record's hostname and port. Wagtail
    documents `get_url_parts` as the method to override for this; relative URLs are unchanged."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if parts is None or parts[1] is None:
            return parts
        site_id, root_url, page_path = parts
        return site_id, public_origin(request, site_root_url=root_url), page_path

    def _get_site_root_paths(self, cache_object=None, **kwargs):
        # Wagtail's per-object cache: the request being answered when no object is given.
        return super()._get_site_root_paths(cache_object or _current_request.get(), **kwargs)
