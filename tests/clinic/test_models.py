import re
from datetime import time

import pytest

from django.urls import reverse

from wagtail.models import Page, get_page_models

from blog.models import BlogIndexPage
from booking.models import DiscoveryVisitPage
from clinic.blocks import OpeningHoursBlock
from clinic.models import ClinicSettings, HomePage, StandardPage
from tests.factories import BlogIndexPageFactory, PersonFactory


def test_address_lines_join_city_state_and_zip():
    clinic = ClinicSettings(street_address="1 Main St", locality="Davie", region="FL", postal_code="33314")
    assert clinic.address_lines == ["1 Main St", "Davie, FL 33314"]


def test_address_lines_leave_out_what_is_missing():
    assert ClinicSettings(locality="Davie", region="FL").address_lines == ["Davie, FL"]


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (["mon", "tue", "wed", "thu", "fri"], "Mon–Fri"),
        (["mon", "wed", "fri"], "Mon, Wed, Fri"),
        (["sat"], "Saturday"),
        (["sat", "sun"], "Sat, Sun"),
        (["fri", "mon", "tue", "wed"], "Mon–Wed, Fri"),
    ],
)
def test_opening_hours_label_joins_consecutive_days(days, label):
    value = OpeningHoursBlock().to_python({"days": days, "opens": "08:00", "closes": "18:00"})
    assert value.days_label == label
    assert value["opens"] == time(8)


def test_person_shows_credentials_after_the_name(db):
    assert PersonFactory.build(name="Ashley Kranz", credentials="PT, DPT").name_with_credentials == (
        "Ashley Kranz, PT, DPT"
    )
    assert PersonFactory.build(name="Sam", credentials="").name_with_credentials == "Sam"


def test_home_page_goes_only_at_the_top_and_only_once(home):
    assert HomePage.can_create_at(Page.get_first_root_node()) is False  # max_count reached
    assert StandardPage.can_create_at(home)
    assert not HomePage.can_create_at(home)


def test_home_offers_each_page_type_that_names_it_as_a_parent(home):
    assert set(HomePage.creatable_subpage_models()) == {StandardPage, BlogIndexPage, DiscoveryVisitPage}


def test_every_page_type_names_its_parents():
    # Home takes whatever names it as a parent; a type naming none could be created under it.
    unplaced = [model for model in get_page_models() if getattr(model, "parent_page_types", None) is None]
    assert unplaced == [Page]


def test_admin_offers_under_home_the_clinic_blog_and_booking_pages(admin_client, home):
    html = admin_client.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk])).content.decode()
    offered = re.findall(rf"/admin/pages/add/(\w+)/(\w+)/{home.pk}/", html)
    assert sorted(set(offered)) == [
        ("blog", "blogindexpage"),
        ("booking", "discoveryvisitpage"),
        ("clinic", "standardpage"),
    ]


def test_admin_stops_offering_a_second_blog_under_home(admin_client, home):
    BlogIndexPageFactory(parent=home)
    html = admin_client.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk])).content.decode()
    assert "/admin/pages/add/clinic/standardpage/" in html
    assert "/admin/pages/add/blog/blogindexpage/" not in html


def test_standard_pages_nest_under_home_and_each_other(home):
    about = home.add_child(instance=StandardPage(title="About", slug="about"))
    assert StandardPage.can_create_at(about)
    assert not StandardPage.can_create_at(Page.get_first_root_node())
