"""The site's languages: English at /, Spanish at /es/. The language is decided by the path only, so
one URL is one language for everyone and every cache keys on it; and each page knows its
translations (the language switch, `hreflang` alternates, the sitemap) without a query per page."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import translation

from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site

from clinic.page_cache import cached, current_generation

TRANSLATIONS_CACHE_SECONDS = 3600


class PathLanguageMiddleware:
    """Activates the language of the path's prefix (/es/...), the default language otherwise.

    Django's LocaleMiddleware would also read the session, a cookie and Accept-Language, and add
    `Vary: Accept-Language` to English pages: the page cache and Varnish would then have to keep a
    copy per browser language, or serve one language for the other. A visitor whose browser prefers
    Spanish is offered /es/ by static/js/language-offer.js instead (docs/caching.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


# The site's languages as spoken where the clinic is: US English and US Spanish (schema.org
# `inLanguage`, Open Graph's locale).
REGION = "US"


def content_language() -> str:
    """The active language as a BCP 47 tag with the clinic's region: "en-US", "es-US"."""
    return f"{(translation.get_language() or settings.LANGUAGE_CODE).split('-')[0]}-{REGION}"


@dataclass(frozen=True)
class Alternate:
    language: str  # "en", "es"
    name: str  # in its own language: "English", "Español"
    url: str | None  # the same page in that language; None when it is not translated (yet)


def translations_key(request) -> str:
    return f"translations:{current_generation(request)}"


# This process's copy of the map, with the key (generation) it was read under. The map grows with
# the site (760 kB in the database cache at 5,000 articles: reading it was most of an uncached
# page's time, issue 16); each process reads it once per generation instead of once per request.
# A content change starts a new generation everywhere, so no process uses a stale copy.
_process_copy: tuple[str, dict] = ("", {})


def translations_to_read(request) -> list[str]:
    """The map's cache key when this process has no copy for the current generation, else nothing:
    what the site lookup prefetches with the settings (clinic.serving)."""
    key = translations_key(request)
    return [] if _process_copy[0] == key else [key]


def translated_urls(request) -> dict[str, dict[str, tuple[str, str, int]]]:
    """{translation key: {language: (URL, title, page id)}} for every live public page: what the
    switch and the `hreflang` alternates read. Built once per page-cache generation (any publish,
    move, unpublish or privacy change starts a new one), so it costs no query per page."""
    global _process_copy
    urls = getattr(request, "_translated_urls", None)
    if urls is not None:
        return urls
    key = translations_key(request)
    copy_key, copy = _process_copy
    if copy_key == key:
        request._translated_urls = copy
        return copy
    urls = cached(request, key)
    if urls is None:
        urls = {}
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        pages = Page.objects.live().public().filter(depth__gt=1)
        for page in pages.only("pk", "title", "url_path", "translation_key", "locale_id"):
            url = page.get_url(request)
            if url:
                found = urls.setdefault(str(page.translation_key), {})
                found[languages[page.locale_id]] = (url, page.title, page.pk)
        cache.set(key, urls, timeout=TRANSLATIONS_CACHE_SECONDS)
    _process_copy = (key, urls)
    request._translated_urls = urls  # read by the switch, the <head>, the footer: one cache read
    return urls


def alternates(request, page, *, subpath: str = "") -> list[Alternate]:
    """This page in every language, this one first's order kept as LANGUAGES: the URL of each
    translation (with the same `subpath` after it: a category of the blog index), or None."""
    known = translated_urls(request).get(str(page.translation_key), {}) if page is not None else {}
    found = []
    for code, name in settings.LANGUAGES:
        url = known[code][0] if code in known else None
        if url and subpath:
            url = url.rstrip("/") + "/" + subpath.lstrip("/")
        found.append(Alternate(language=code, name=name, url=url))
    return found


def localized_link(request, page, language: str | None = None) -> tuple[str, str]:
    """(URL, title) of `page` in `language` (the active one by default) when it is translated and
    live, of the page itself otherwise (the Book button on a Spanish page goes to the Spanish
    booking page); ("", "") when neither is live and public."""
    if page is None:
        return "", ""
    known = translated_urls(request).get(str(page.translation_key), {})
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    found = known.get(language) or known.get(settings.LANGUAGE_CODE) or next(iter(known.values()), None)
    return found[:2] if found else ("", "")


def localized_url(request, page, language: str | None = None) -> str:
    return localized_link(request, page, language)[0]


def localized_root(request, site, *, specific: bool = True):
    """The site's home page in the request's language, as its own type. The site's root page is
    the home page in the default language; the shared cache keeps it with its translations already
    found (HomePage.remember_translations), so neither language costs a query for the Locale.
    `specific=False`: the default language's as a plain Page will do (a path to search under, a
    title and URL for the menu)."""
    root = site.root_page
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    if language == settings.LANGUAGE_CODE:
        return root.specific if specific else root
    if "_localized_by_language" in root.__dict__:  # the site as the shared cache keeps it
        return root.localized
    # Otherwise by its id in the map of translations: one query, as the default language's.
    translated = translated_urls(request).get(str(root.translation_key), {}).get(language)
    if translated is None:
        return root.specific
    return root.specific_class.objects.get(pk=translated[2])


def serve(request, path):
    """Wagtail's page view, routed from `localized_root` (Wagtail's own routing looks up the active
    Locale on every request)."""
    if not hasattr(request, "_wagtail_route_for_request"):
        site = Site.find_for_request(request)
        route = None
        if site is not None:
            try:
                route = localized_root(request, site).route(
                    request, [part for part in path.split("/") if part]
                )
            except Http404:
                route = None
        request._wagtail_route_for_request = route
    return wagtail_views.serve(request, path)
