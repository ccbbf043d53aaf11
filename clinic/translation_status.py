"""Whether a translated page has fallen behind the page it was translated from, for the admin.

A translation (the Spanish copy of an article) is out of date when its source, the page in the
default language, was published after the translation was last saved: the English article
changed and nobody has carried the change over yet. Shown in the translation's editor, and in
the source's, so editors see it where they work (docs/translation.md)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from wagtail.models import Page


@dataclass(frozen=True)
class Staleness:
    source: Page  # the page in the default language
    changed_at: datetime  # when the source was last published
    translated_at: datetime | None  # when the translation was last saved


def out_of_date(translation: Page) -> Staleness | None:
    """The source's change the translation has not caught up with, or None when it is up to date
    (or is not a translation: a page in the default language, or with no source)."""
    source = (
        Page.objects.filter(
            translation_key=translation.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .exclude(pk=translation.pk)
        .first()
    )
    if source is None or source.last_published_at is None:
        return None
    translated_at = translation.latest_revision_created_at or translation.last_published_at
    if translated_at is not None and translated_at >= source.last_published_at:
        return None
    return Staleness(source=source, changed_at=source.last_published_at, translated_at=translated_at)


def stale_translations(source: Page) -> list[Page]:
    """The translations of a default-language page that are out of date with it."""
    if source.last_published_at is None:
        return []
    translations = Page.objects.filter(translation_key=source.translation_key).exclude(pk=source.pk)
    return [
        page
        for page in translations.select_related("locale")
        if (page.latest_revision_created_at or page.last_published_at or source.last_published_at)
        < source.last_published_at
    ]
