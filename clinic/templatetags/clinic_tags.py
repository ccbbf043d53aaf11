"""Presentation helpers: phone links, the main menu, the appointment link and JSON-LD."""

import json
import re
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from wagtail.models import Site

from clinic.languages import alternates, localized_link, localized_root, localized_url
from clinic.page_cache import cached, current_generation
from clinic.public_url import absolute_url
from clinic.text import xml_safe_data

register = template.Library()

MENU_CACHE_SECONDS = 3600

# "[book a visit]" in an editor's call-to-action sentence; brackets and tags cannot nest in it.
_APPOINTMENT_LINK = re.compile(r"\[([^\[\]<>]{1,200})\]")

# json.dumps leaves <, > and & alone; inside <script> they could end the block early.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def fill_phone(text: str, clinic) -> str:
    """Escaped `text` with each {phone} turned into a link to the clinic's current phone number."""
    link = format_html('<a href="{}">{}</a>', clinic.tel_uri, clinic.phone)
    return mark_safe(link.join(conditional_escape(part) for part in str(text).split("{phone}")))  # noqa: S308


@register.simple_tag
def call_to_action_text(text: str, clinic, appointment_url: str = "", appointment_query: str = "") -> str:
    """An editor's call-to-action sentence, escaped: {phone} becomes a link to the clinic's phone
    and [words in brackets] a link to the appointment page (plain words when there is none)."""
    html = str(fill_phone(text, clinic))  # escaped already: the bracketed words are safe HTML

    def link(match: re.Match) -> str:
        if not appointment_url:
            return match[1]
        href = conditional_escape(appointment_url + (appointment_query or ""))
        return f'<a href="{href}">{match[1]}</a>'

    return mark_safe(_APPOINTMENT_LINK.sub(link, html))  # noqa: S308


@register.simple_tag
def json_ld(data) -> str:
    """Structured data as a `<script type="application/ld+json">` block (data, not script), without
    characters XML forbids (control characters and non-characters pasted into titles)."""
    payload = json.dumps(xml_safe_data(data), ensure_ascii=False, separators=(",", ":")).translate(
        _JSON_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@dataclass(frozen=True)
class MenuItem:
    pk: int
    title: str
    url: str


def menu_cache_key(request, site) -> str:
    return f"menu:{current_generation(request)}:{site.pk}:{translation.get_language()}"


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page and its live, public 'show in menus' children. The same on every page of a
    site, so kept in the shared cache until content changes (a new page-cache generation)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"menu_pages": [], "request": request}
    key = menu_cache_key(request, site)
    menu = cached(request, key)
    if menu is None:
        root = localized_root(request, site, specific=False)  # the home page in this language
        children = root.get_children().live().public().in_menu()
        menu = [MenuItem(page.pk, page.title, page.get_url(request)) for page in [root, *children]]
        cache.set(key, menu, timeout=MENU_CACHE_SECONDS)
    # "Book" ends the menu on every page: the appointment page chosen in the clinic settings (the
    # page tree's own, wherever staff put it), listed once even when it is in the menu anyway.
    clinic = context["settings"]["clinic"]["ClinicSettings"] if "settings" in context else None
    book_page_id = clinic.appointment_page_id if clinic else None
    return {
        "root": menu[0],
        "menu_pages": [item for item in menu[1:] if item.pk != book_page_id],
        "book_url": appointment_url(context) if clinic else "",
        "book_page_id": book_page_id,
        "current": context.get("page"),
        "request": request,
    }


@register.simple_tag(takes_context=True)
def appointment_url(context) -> str:
    """The appointment page's URL from the clinic settings, or '' when none is set or it is not live."""
    clinic = context["settings"]["clinic"]["ClinicSettings"]
    page = clinic.appointment_page
    if page is None or not page.live:
        return ""
    request = context.get("request")
    if request is None:
        return page.get_url() or ""
    return localized_url(request, page)


@register.simple_tag(takes_context=True)
def localized_page(context, page, language=None) -> tuple[str, str]:
    """(URL, title) of a page chosen in the settings (privacy, language assistance) in this
    request's language, or in `language`; ("", "") when it is not live."""
    request = context.get("request")
    if page is None or not page.live:
        return "", ""
    if request is None:
        return page.get_url() or "", page.title
    return localized_link(request, page, language)


@register.filter
def translated(obj, field: str) -> str:
    """`{{ area|translated:"name" }}`: the field's text in the active language (TranslatedTextsMixin)."""
    return obj.translated(field)


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to this same page in the other languages, or a note that it is not translated yet."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    if request is None or page is None or not hasattr(page, "translation_key"):
        return {"others": [], "current": current}
    others = [alternate for alternate in page_alternates(context) if alternate.language != current]
    return {"others": others, "current": current}


def page_alternates(context) -> list:
    """This page's alternates, once per render (the switch and the <head> links both read them)."""
    if "_page_alternates" not in context.render_context:
        page = context.get("page")
        request = context.get("request")
        subpath = context.get("language_subpath", "")
        context.render_context["_page_alternates"] = (
            alternates(request, page, subpath=subpath) if page is not None and request is not None else []
        )
    return context.render_context["_page_alternates"]


@register.inclusion_tag("includes/hreflang.html", takes_context=True)
def hreflang_links(context):
    """`<link rel="alternate" hreflang>` for every language the page exists in, and x-default (the
    English page, which serves everyone who has no better match)."""
    found = [alternate for alternate in page_alternates(context) if alternate.url]
    request = context.get("request")
    links = [(alternate.language, absolute_url(alternate.url, request)) for alternate in found]
    default = next((url for language, url in links if language == settings.LANGUAGE_CODE), None)
    return {"links": links if len(links) > 1 else [], "default": default if len(links) > 1 else None}


@register.simple_tag(takes_context=True)
def clinic_json_ld(context) -> str:
    """The clinic as a schema.org MedicalClinic (a physiotherapy practice) for search engines."""
    clinic = context["settings"]["clinic"]["ClinicSettings"]
    request = context.get("request")
    home_url = absolute_url("/", request)
    return json_ld({"@context": "https://schema.org", **clinic.schema_org(home_url)})


@register.inclusion_tag("includes/language_offer.html", takes_context=True)
def language_offer(context):
    """On a default-language page that exists in another language: that page, offered by
    static/js/language-offer.js to browsers preferring its language (nothing shows without it)."""
    if translation.get_language() != settings.LANGUAGE_CODE or context.get("page") is None:
        return {"offer": None}
    others = [a for a in page_alternates(context) if a.url and a.language != settings.LANGUAGE_CODE]
    offer = others[0] if others else None
    return {"offer": offer}
