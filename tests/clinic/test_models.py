from datetime import time

import pytest

from django.core.exceptions import ValidationError

from wagtail.models import Page

from clinic.blocks import OpeningHoursBlock
from clinic.models import ClinicSettings, HomePage, StandardPage, tel_uri, validate_phone
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("(954) 519-5404", "tel:+19545195404"),
        ("954.519.5404", "tel:+19545195404"),
        ("+1 954 519 5404", "tel:+19545195404"),
        ("not a number", ""),
        ("", ""),
    ],
)
def test_tel_uri_is_e164_or_empty(typed, expected):
    assert tel_uri(typed) == expected


@pytest.mark.parametrize("bad", ["12", "call us", "<script>alert(1)</script>", "555-0000\r\nBcc: x@y.z"])
def test_validate_phone_rejects_what_is_not_a_phone_number(bad):
    with pytest.raises(ValidationError):
        validate_phone(bad)


def test_validate_phone_accepts_a_us_number():
    validate_phone("(954) 519-5404")


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
