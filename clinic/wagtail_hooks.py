"""Admin registration for the clinic's snippets, grouped under one 'Clinic' menu, the
two-step verification screens, abandoned new pages set aside, and the page explorer's
translation buttons in the listing's query."""

from django.contrib import messages
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import explorer, page_cache, services, translation_status, two_factor
from .forms import ROUTING_LOG_ACTION
from .models import CareArea, Person, Testimonial


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "Team"
    list_display = ["name", "credentials", "role", "show_on_team"]
    search_fields = ["name", "role"]
    ordering = ["sort_order", "name"]


class TestimonialViewSet(SnippetViewSet):
    model = Testimonial
    icon = "openquote"
    list_display = ["name", "detail", "sort_order"]
    ordering = ["sort_order", "pk"]


class CareAreaViewSet(SnippetViewSet):
    model = CareArea
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


class ClinicSnippetGroup(SnippetViewSetGroup):
    menu_label = "Clinic"
    menu_icon = "site"
    menu_order = 300
    items = (PersonViewSet, TestimonialViewSet, CareAreaViewSet)


register_snippet(ClinicSnippetGroup)
explorer.replace_localize_row_buttons()


@hooks.register("construct_explorer_page_queryset")
def explorer_translation_buttons(parent_page, pages, request):
    """Every row's "Translate this page" and "Sync translated pages" in the explorer's query."""
    return explorer.with_translation_buttons(pages)


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("two-factor/", two_factor.verify, name="clinic_2fa_verify"),
        path("two-factor/setup/", two_factor.setup, name="clinic_2fa_setup"),
        path("two-factor/recovery-codes/", two_factor.recovery_codes, name="clinic_2fa_recovery_codes"),
    ]


@hooks.register("register_log_actions")
def register_clinic_log_actions(actions):
    actions.register_action(*ROUTING_LOG_ACTION)
    for action in two_factor.LOG_ACTIONS:
        actions.register_action(*action)


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("clinic_2fa_setup"),
        "label": "Two-step verification",
        "help_text": "Set up an authenticator app (or a new one), or get new recovery codes.",
    }


@hooks.register("before_create_page")
def set_aside_an_abandoned_draft(request, parent_page, page_class):
    """Wagtail's autosave creates the page as soon as an editor types a title. If they leave and
    start again, the hidden draft holds the slug ("already in use"): set it aside instead."""
    if request.method == "POST":
        services.abandoned_draft_set_aside(
            parent=parent_page, slug=request.POST.get("slug", ""), user=request.user
        )


@hooks.register("before_serve_page")
def note_the_query_parameters_a_page_reads(page, request, serve_args, serve_kwargs):
    """The page cache keys a page on the query parameters its type reads, and no others."""
    page_cache.note_query_parameters(request, getattr(page, "cache_query_parameters", None))


@hooks.register("before_edit_page")
def flag_out_of_date_translation(request, page):
    """Opening a translation whose source changed since it was last saved says so at the top of
    the editor, with a link to the source; opening a source lists its out-of-date translations."""
    if request.method != "GET":
        return None
    stale = translation_status.out_of_date(page)
    if stale is not None:
        message = gettext(
            'Out of date: the <a href="{url}">{language} version</a> was changed on {date}, after this '
            "translation was last saved. Carry the changes over (on the source page: “Sync translated "
            "pages”, then translate the new text here) and publish."
        )
        messages.warning(
            request,
            format_html(
                message,
                url=reverse("wagtailadmin_pages:edit", args=[stale.source.pk]),
                language=stale.source.locale.get_display_name(),
                date=formats.date_format(timezone.localtime(stale.changed_at), "DATETIME_FORMAT"),
            ),
        )
        return None
    behind = translation_status.stale_translations(page)
    if behind:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("wagtailadmin_pages:edit", args=[t.pk]), t.locale.get_display_name()) for t in behind),
        )
        messages.info(
            request, format_html(gettext("Translations out of date with this page: {links}."), links=links)
        )
    return None
