"""Site-wide plain views: search, health check, robots.txt and the sitemap's pages."""

import posixpath
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Substr
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site

from clinic import health
from clinic.languages import localized_root, translated_urls
from clinic.page_cache import reads_query_parameters
from clinic.public_url import absolute_url
from clinic.search import MAX_QUERY_CHARS, search_pages, search_terms, with_excerpts
from clinic.serving import PublicPageQuerySet

SEARCH_RESULTS_PER_PAGE = 10


@require_safe
@reads_query_parameters("page", "q")
def search(request):
    """/search/?q= (/es/search/?q=): live, public pages of this site in the search page's language,
    best match first."""
    query = request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()
    terms = search_terms(query)
    results = None
    if terms:
        site = Site.find_for_request(request)
        # Base pages, one query per search whatever their types; with_excerpts completes the
        # ones shown.
        pages = Page.objects.live().public()
        if site is not None:
            # The home page in this language: each language's pages are a tree of their own.
            pages = pages.descendant_of(localized_root(request, site, specific=False), inclusive=True)
        paginator = Paginator(search_pages(pages, terms), SEARCH_RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("page"))
        results.object_list = with_excerpts(results.object_list)
    context = {
        "search_query": query,
        "search_terms": terms,
        "results": results,
        "page_range": results.paginator.get_elided_page_range(results.number) if results else [],
        "query_string": urlencode({"q": terms}) + "&" if terms else "",
    }
    return render(request, "clinic/search.html", context)


class PageSitemap(Sitemap):
    """Wagtail's sitemap (/sitemap-pages.xml?p=N, listed by the index at /sitemap.xml) in the same
    few queries whatever the number of pages and page types (the site, a count, the pages, the
    blog's care areas): pages are of their specific type without their own fields, which no entry
    reads (a URL and dates), and privacy is a subquery. Wagtail fetched each page type's fields in
    a query of its own, and every view restriction in another.

    Every language's pages are listed (the site's home page and its translations are the tops of
    their trees), each entry with its `hreflang` alternates and x-default, read from the map of
    translations the language switch uses (clinic.languages)."""

    # Pages per sitemap page (the protocol allows 50,000 URLs; a blog index adds its categories):
    # 5,000 in one took 1.5-5 s to build; a page of 500 stays fast uncached (bench/RESULTS.md).
    limit = 500

    def get_latest_lastmod(self):
        """For the index: the last change of any listed page, in one query (Django's default
        reads every page's lastmod through `items()`)."""
        return self.items().order_by().aggregate(latest=Max("last_published_at"))["latest"]

    def items(self):
        root = self.get_wagtail_site().root_page
        # Under the site's home page or one of its translations: the top-level ancestor (the first
        # two steps of the tree path) shares the home page's translation key.
        top = Page.objects.filter(
            translation_key=root.translation_key, path=Substr(OuterRef("path"), 1, len(root.path))
        )
        return (
            PublicPageQuerySet(Page)
            .filter(Exists(top), depth__gte=root.depth)
            .live()
            .public()
            .order_by("path")
        )

    def _urls(self, page, protocol, domain):
        """As Wagtail's, with each entry's alternates in the other languages."""
        urls, last_mods = [], set()
        known = translated_urls(self.request)
        for item in self.paginator.page(page).object_list.iterator():
            found = known.get(str(item.translation_key), {})
            own = absolute_url(item.get_url(self.request) or "", self.request)
            for url_info in self._entries(item, own):
                if len(found) > 1:
                    subpath = url_info["location"].removeprefix(own)
                    url_info["alternates"] = self._alternates(found, subpath)
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def _entries(self, page: Page, own: str) -> list[dict]:
        """The page's entries: Wagtail's one entry (its URL and last change) from the base page,
        read here once; page types with entries of their own (the blog's categories) as their
        type. Making every page its specific type cost a third of a sitemap page's time."""
        if page.specific_class is None or page.specific_class.get_sitemap_urls is Page.get_sitemap_urls:
            return [{"location": own, "lastmod": page.last_published_at or page.latest_revision_created_at}]
        return page.specific_deferred.get_sitemap_urls(self.request)

    def _alternates(self, found: dict, subpath: str) -> list[dict]:
        alternates = [
            {"lang_code": language, "location": absolute_url(url + subpath, self.request)}
            for language, (url, _title, _pk) in sorted(found.items())
        ]
        if settings.LANGUAGE_CODE in found:
            default = absolute_url(found[settings.LANGUAGE_CODE][0] + subpath, self.request)
            alternates.append({"lang_code": "x-default", "location": default})
        return alternates


# The sitemap's sections: /sitemap-<name>.xml?p=N.
SITEMAPS = {"pages": PageSitemap}


@require_safe
@cache_control(no_store=True)
def healthz(request):
    """For load balancers and monitoring: each dependency's state as JSON; 503 only when pages
    cannot be served (the database is down), so a degraded cache or task queue keeps traffic."""
    checks, serving = health.report()
    return JsonResponse(checks, status=200 if serving else 503)


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page links to: point them at the icon
    (a redirect, so the static file keeps its fingerprinted, long-cached URL)."""
    return redirect(static("icons/favicon.ico"))


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url(reverse('sitemap'), request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# Only renditions are served: pages show nothing else. Originals are what was uploaded, at full
# size (clinic.originals), and documents go through Wagtail's /documents/ view, which applies
# their privacy settings; anything else in MEDIA_ROOT is nobody's business.
SERVED_MEDIA_FOLDERS = ("images/",)
MEDIA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@require_safe
def media(request, path):
    """Image renditions from MEDIA_ROOT when DJANGO_SERVE_MEDIA=true (one server, no proxy rule)."""
    if not settings.SERVE_MEDIA:
        raise Http404("Media are served by the proxy.")
    path = posixpath.normpath(path).lstrip("/")
    if not path.startswith(SERVED_MEDIA_FOLDERS):
        raise Http404("Not a served media folder.")
    # serve() refuses paths that leave MEDIA_ROOT and answers If-Modified-Since.
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # A crafted upload (an SVG, HTML renamed .png) must not run as a page of this site.
    response["Content-Security-Policy"] = MEDIA_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response
