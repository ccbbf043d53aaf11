"""The page explorer's translation buttons from the listing's own query.

wagtail-localize gives every row's "More" menu "Translate this page" (when a language is left to
translate into) and "Sync translated pages" (when the page is the source of enabled
translations), asking the database two to four times per row to decide: 100-200 queries for a
page of 50 articles. The explorer's query answers both for every row at once (two subqueries),
and the row's buttons read the answers; outside the explorer (a page's header, or any listing
without them) wagtail-localize's own function runs as before."""

from urllib.parse import urlencode

from wagtail_localize import wagtail_hooks as localize_hooks
from wagtail_localize.models import TranslationSource

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.models import Locale, Page

LOCALIZE_ROW_BUTTONS = localize_hooks.page_listing_more_buttons
CAN_TRANSLATE = "_explorer_can_translate"
SYNC_SOURCE = "_explorer_sync_source"


def with_translation_buttons(pages):
    """The explorer's pages, each knowing whether a language is left to translate it into and
    which translation source (if any) its "Sync translated pages" button syncs."""
    translated_into = Page.objects.filter(
        translation_key=OuterRef(OuterRef("translation_key")), alias_of__isnull=True
    ).values("locale_id")
    sources = TranslationSource.objects.filter(
        object_id=OuterRef("translation_key"),
        object__content_type=ContentType.objects.get_for_model(Page),
        locale_id=OuterRef("locale_id"),
        translations__enabled=True,
    ).values("pk")[:1]
    return pages.annotate(
        **{
            CAN_TRANSLATE: Exists(Locale.objects.exclude(pk__in=translated_into)),
            SYNC_SOURCE: Subquery(sources),
        }
    )


def row_buttons(page, user, view_name=None, next_url=None):
    """wagtail-localize's row buttons, the same ones, from the explorer's annotations."""
    if not hasattr(page, CAN_TRANSLATE):
        yield from LOCALIZE_ROW_BUTTONS(page, user, view_name=view_name, next_url=next_url)
        return
    if page.is_root() or not user.has_perm("wagtail_localize.submit_translation"):
        return
    if getattr(page, CAN_TRANSLATE):
        yield ListingButton(
            _("Translate this page"),
            reverse("wagtail_localize:submit_page_translation", args=[page.alias_of_id or page.pk]),
            priority=60,
            icon_name="wagtail-localize-language",
        )
    source = getattr(page, SYNC_SOURCE)
    if source is not None:
        url = reverse("wagtail_localize:update_translations", args=[source])
        if next_url is not None:
            url += "?" + urlencode({"next": next_url})
        yield ListingButton(_("Sync translated pages"), url, priority=60, icon_name="resubmit")


def replace_localize_row_buttons() -> None:
    """Swap wagtail-localize's row buttons for `row_buttons`, in its place in the "More" menu.
    Wagtail has no way to unregister a hook; its registry is a dict of lists of (function, order),
    and a test checks that every row still has exactly one set of these buttons."""
    registered = hooks._hooks.get("register_page_listing_more_buttons", [])  # noqa: SLF001
    for index, (function, order) in enumerate(registered):
        if function is LOCALIZE_ROW_BUTTONS:
            registered[index] = (row_buttons, order)
