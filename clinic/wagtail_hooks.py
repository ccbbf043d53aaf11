"""Admin registration for the clinic's snippets, grouped under one 'Clinic' menu."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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
