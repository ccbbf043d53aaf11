"""Cleaning of rich text written by code (importers, demo content), the way the editor cleans it."""

from wagtail.admin.rich_text.converters.db_html import DbHTMLConverter

from clinic.blocks import PARAGRAPH_FEATURES


def clean_rich_text(html: str, features: list[str] | None = None) -> str:
    """Wagtail cleans rich text when an editor saves it, not when it is shown; code that writes
    rich text directly must do the same or a script tag would reach the page."""
    cleaned, _removals = DbHTMLConverter(features=features or PARAGRAPH_FEATURES).clean(html)
    return cleaned
