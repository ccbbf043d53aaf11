from datetime import time

import pytest

from wagtail.models import Page

from clinic.blocks import OpeningHoursBlock
from clinic.models import ClinicSettings, HomePage, StandardPage
from tests.factories import PersonFactory


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


def test_standard_pages_nest_under_home_and_each_other(home):
    about = home.add_child(instance=StandardPage(title="About", slug="about"))
    assert StandardPage.can_create_at(about)
    assert not StandardPage.can_create_at(Page.get_first_root_node())
