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

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail import __version__
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images.models import AbstractImage
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished
from wagtail.snippets.models import get_snippet_models

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


def ban_all_sites() -> None:
    """Ban every cached page of every site from each configured Varnish."""
    backends = [backend for backend in get_backends().values() if isinstance(backend, VarnishBackend)]
    if not backends:
        return
    for hostname in sorted(set(Site.objects.values_list("hostname", flat=True))):
        for backend in backends:
            backend.ban_host(hostname)


def ban_after_commit() -> None:
    transaction.on_commit(ban_all_sites)


def _on_page_change(sender, instance=None, **kwargs) -> None:
    ban_after_commit()


def _on_model_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if _shows_on_pages(sender, update_fields):
        ban_after_commit()


def _on_model_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page) or _shows_on_pages(sender, None):
        ban_after_commit()


def _shows_on_pages(model, update_fields) -> bool:
    """Snippets, site settings, sites, redirects and images (edited, not given a computed field)."""
    if issubclass(model, Page):
        return False  # page saves are drafts; publishing is what shows, handled above
    if issubclass(model, AbstractImage):
        return update_fields is None
    return issubclass(model, (BaseSiteSetting, Site, Redirect)) or model in get_snippet_models()


def connect_signals() -> None:
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(_on_page_change, dispatch_uid=f"clinic_frontend_cache_{id(signal)}")
    post_save.connect(_on_model_saved, dispatch_uid="clinic_frontend_cache_save")
    post_delete.connect(_on_model_deleted, dispatch_uid="clinic_frontend_cache_delete")
