"""The site's public origin, and the absolute URLs built from it (emails, .ics, feed, sitemap,
canonical and Open Graph links): one place, so a link never names a host the site is not on."""

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
