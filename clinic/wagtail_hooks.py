"""Admin registration for the clinic's snippets, grouped under one 'Clinic' menu, the
two-step verification screens, and abandoned new pages set aside."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import page_cache, services, two_factor
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
