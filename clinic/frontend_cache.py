"""Keep the front cache (Varnish) fresh: Wagtail purges a published page's own URLs; this bans
the whole site after any change that can show on other pages (documents included).

Every response names the site it belongs to in `X-Cache-Site` (the public host name), and
deploy/varnish.vcl bans by that name: a page cached under any host name the site answers to
(www., the bare domain, another of DJANGO_ALLOWED_HOSTS) goes with the same BAN.

A page appears on many others (index pages and their category and tag pages, home's latest
articles, related articles, search results, the menu), and snippets and clinic settings appear
on every page. Working out each affected URL would be fragile; for a clinic-sized site a BAN of
every cached page of the site after such a change costs a few hundred cache misses, which
the page cache behind Varnish absorbs. The ban is sent after the transaction commits, so no
request can re-cache the old content between the ban and the commit."""

from __future__ import annotations

import logging
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction

from wagtail import __version__
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.models import Site

from clinic.page_cache import content_changed

logger = logging.getLogger(__name__)

# A ban must never hold an editor's publish for long.
BAN_TIMEOUT_SECONDS = 5
SITE_HEADER = "X-Cache-Site"


class BanRequest(Request):
    def get_method(self) -> str:
        return "BAN"


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP (PURGE) backend, plus a BAN of every cached page of one host."""

    def __init__(self, params):
        self.location = params["LOCATION"]
        super().__init__(params)

    def ban_host(self, hostname: str) -> bool:
        scheme, netloc, *_ = urlsplit(self.location)
        request = BanRequest(
            urlunsplit([scheme, netloc, "/", "", ""]),
            headers={"Host": hostname, "User-Agent": "Wagtail-frontendcache/" + __version__},
        )
        try:
            # The location comes from settings (FRONTEND_CACHE_URLS), never from a request.
            with urlopen(request, timeout=BAN_TIMEOUT_SECONDS):  # noqa: S310
                return True
        except (URLError, OSError) as error:
            # Varnish down or refusing: pages stay stale until their TTL; publishing still works.
            logger.error("Could not ban %s from the front cache at %s: %s", hostname, self.location, error)
            return False


def cache_site() -> str | None:
    """The name Varnish files this site's responses under: the public host name."""
    if settings.CLINIC_PUBLIC_URL:
        return urlsplit(settings.CLINIC_PUBLIC_URL).hostname
    return None


class CacheSiteMiddleware:
    """Names the site in every response (before WhiteNoise and the page cache, so their answers
    too), for the front cache to ban by; Varnish removes the header before delivery."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        site = cache_site()
        if site and settings.WAGTAILFRONTENDCACHE:
            response.headers.setdefault(SITE_HEADER, site)
        return response


def cached_hosts() -> list[str]:
    """What to ban: the site's name (every response that carried it, whatever its Host), and, for
    responses cached without it, each Site's host name and each name in DJANGO_ALLOWED_HOSTS
    (a pattern such as `.example.com` names no one host; its pages carry the site's name)."""
    hosts = set(Site.objects.values_list("hostname", flat=True))
    hosts.update(host for host in settings.ALLOWED_HOSTS if host and not host.startswith(".") and host != "*")
    if site := cache_site():
        hosts.add(site)
    return sorted(hosts)


def ban_all_sites() -> None:
    """Ban every cached page of every site from each configured Varnish."""
    backends = [backend for backend in get_backends().values() if isinstance(backend, VarnishBackend)]
    if not backends:
        return
    for hostname in cached_hosts():
        for backend in backends:
            backend.ban_host(hostname)


def _on_content_changed(sender, **kwargs) -> None:
    transaction.on_commit(ban_all_sites)


def connect_signals() -> None:
    """Ban on the page cache's events: one list of what shows on pages (clinic/page_cache.py)."""
    content_changed.connect(_on_content_changed, dispatch_uid="clinic_frontend_cache_ban")
