"""What Wagtail does for every page it serves, in fewer queries and by the same rules; every page
model takes `ServingMixin` as its last base before `Page` (after `RoutablePageMixin`, whose own
routes come first), and page lists use `PublicPageQuerySet`."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet

from clinic.page_cache import NEVER_CACHED_PREFIXES, get_current, prefetch, put_current


class PublicPageQuerySet(PageQuerySet):
    def private_q(self):
        """Wagtail's rule for `.public()` and `.not_public()` (a page with a view restriction on it
        or on an ancestor is private) as a subquery of the list's own query; Wagtail reads every
        restriction first, in a query of its own, to spell out each restricted subtree."""
        restricted_ancestor_or_self = PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
        return Q(Exists(restricted_ancestor_or_self))


class ServingMixin:
    # The query parameters a page type's responses depend on, and so the only ones the page cache
    # keys on (clinic/page_cache.py; the list per page type is in docs/caching.md). None: the
    # whole query string. Every page type says it: a parameter read but not listed here would
    # let one visitor's answer be served for another's.
    cache_query_parameters: tuple[str, ...] | None = None

    def route(self, request, path_components):
        """As Wagtail's `Page.route`, but a child the path only passes through (/blog/ on the way
        to /blog/<article>/) is not fetched a second time as its specific type: its class is
        enough to route on. If it turns out to serve the request itself (a RoutablePage's own
        route), its own fields are loaded then, in the one query Wagtail would have made."""
        if len(path_components) < 2:
            return super().route(request, path_components)
        try:
            child = self.get_children().get(slug=path_components[0])
        except Page.DoesNotExist as error:
            raise Http404 from error
        child._cached_parent_obj = self  # as Wagtail: the child's get_parent() needs no query
        passing = child.specific_deferred
        result = passing.route(request, path_components[1:])
        if result[0] is passing and (deferred := passing.get_deferred_fields()):
            passing.refresh_from_db(fields=list(deferred))
            passing._cached_parent_obj = self  # treebeard forgets it on any refresh
        return result

    def _routed_ancestry(self) -> list | None:
        """This page and its ancestors up to the site's top level, as routing loaded them (each
        child it passes keeps its parent in treebeard's `_cached_parent_obj`, which `get_parent`
        reads); None when one of them was not loaded that way."""
        chain = [self]
        while chain[-1].depth > 2:
            parent = getattr(chain[-1], "_cached_parent_obj", None)
            if parent is None:
                return None
            chain.append(parent)
        return chain

    def get_view_restrictions(self):
        """Wagtail's rule (the restrictions on this page and on every ancestor, an alias answering
        to its source's) in one query instead of two: routing already loaded the ancestors, so
        which of them are aliases is known without fetching them again. Wagtail's own lookup runs
        for a page that was not routed to (the admin's privacy screens, copies, aliases)."""
        ancestry = self._routed_ancestry()
        if ancestry is None:
            return super().get_view_restrictions()
        page_ids = set()
        for page in ancestry:
            while page.alias_of_id:
                page = page.alias_of
            page_ids.add(page.pk)
        # The tree's root (depth 1) is an ancestor of every page; it is never an alias.
        root = Q(page__path=self.path[: self.steplen])
        return PageViewRestriction.objects.filter(Q(page_id__in=page_ids) | root)


class SiteLookupMiddleware:
    """Wagtail looks up the request's Site (one query) and then its root page as its own type
    (another) on every request it serves. Both are kept in the shared cache under the page
    cache's generation, which any Site saved or deleted and any page published, moved or deleted
    renews. Wagtail's `Site.find_for_request` reads a site already found for the request from
    `request._wagtail_site` (its documented per-request cache); this middleware fills it in.
    Only for GET and HEAD of public pages: a request that changes things, and the admin, read them
    from the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
        if (
            seconds > 0
            and request.method in ("GET", "HEAD")
            and not request.path_info.startswith(NEVER_CACHED_PREFIXES)
        ):
            self.find_site(request, seconds)
        return self.get_response(request)

    def find_site(self, request, seconds: int) -> None:
        try:
            host = request.get_host()
        except DisallowedHost:
            return  # Django answers 400 further on
        key = f"site:{host}:{request.get_port()}"
        site = get_current(request, key)
        if site is None:
            site = Site.find_for_request(request)
            if site is None:
                return
            # The home page as its own type, with its translations (Wagtail routes each request
            # from the one in the request's language), loaded now so they are kept with the site.
            site.root_page = site.root_page.specific
            if hasattr(site.root_page, "remember_translations"):
                site.root_page.remember_translations()
            put_current(request, key, site, seconds)
        request._wagtail_site = site
        # What every page then reads from the cache, in one round trip (with the database cache,
        # one query rather than three).
        from clinic.languages import translations_to_read  # noqa: PLC0415
        from clinic.models import ClinicSettings  # noqa: PLC0415 - clinic.models imports this module
        from clinic.templatetags.clinic_tags import menu_cache_key  # noqa: PLC0415
        from clinic.templatetags.fragment_cache import fragment_cache_key  # noqa: PLC0415

        prefetch(
            request,
            [
                ClinicSettings.cache_key(request, site),
                menu_cache_key(request, site),
                fragment_cache_key(request, "footer", None),
                *translations_to_read(request),
            ],
        )
