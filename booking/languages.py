"""The patient's language: which one a request is made in, how staff read it, and which page of
the site a message to the patient links to (the booking page in that language)."""

from django.conf import settings
from django.utils import translation

from wagtail.models import Page


def current_language() -> str:
    """The active language as one of settings.LANGUAGES ("en", "es"): what a request stores."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(active)
    except LookupError:
        return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def language_name(code: str) -> str:
    """'Spanish' for "es": the language's English name, for staff, whatever the admin's language."""
    try:
        return translation.get_language_info(code)["name"]
    except KeyError:
        return code


def page_in_language(page: Page | None, language: str) -> Page | None:
    """The booking page a message in `language` links to: its translation in that language when
    the site has one (Wagtail locales, served under /es/), else the page itself.

    The one place that chooses a link's language: the manage, book-again and fresh links in
    every email and calendar file go through it."""
    if page is None:
        return None
    with translation.override(language):
        localized = page.localized
    return localized.specific if localized.pk != page.pk else page
