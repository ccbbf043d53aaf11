"""Keep the front cache (Varnish) fresh: Wagtail purges a published page's own URLs; this bans
the whole site after any change that can show on other pages.

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


def cached_hosts() -> list[str]:
    """The host names pages are cached under: the public one (CLINIC_PUBLIC_URL) and each Site's."""
    hosts = set(Site.objects.values_list("hostname", flat=True))
    if settings.CLINIC_PUBLIC_URL:
        hosts.add(urlsplit(settings.CLINIC_PUBLIC_URL).hostname)
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
