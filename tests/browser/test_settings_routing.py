"""A Moderator opens Booking and Clinic settings in Chromium: the fields that say where patient
data goes are read-only and say why; the rest of the clinic's settings still save."""

import pytest
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission

from wagtail.models import Site

from clinic.models import ClinicSettings

PASSWORD = "moderator-password-4410"


@pytest.fixture
def moderator_page(page, site_url, django_user_model):
    # Built here, not taken from the migrations: live-server tests empty the database after them.
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "change_clinicsettings", "change_bookingsettings"]
        )
    )
    user = django_user_model.objects.create_user(username="mod", password=PASSWORD)
    user.groups.add(group)
    page.goto(f"{site_url}/admin/login/")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).not_to_have_count(0)
    return page


def settings_path(app: str, model: str) -> str:
    return f"/admin/settings/{app}/{model}/{Site.objects.get(is_default_site=True).pk}/"


def test_a_moderator_sees_the_recipients_read_only_and_why(moderator_page, site_url):
    moderator_page.goto(site_url + settings_path("booking", "bookingsettings"))
    recipients = moderator_page.locator('textarea[name="staff_recipients"]')
    expect(recipients).to_be_disabled()
    expect(
        moderator_page.get_by_text("Every new request's name and time is sent to these addresses")
    ).to_be_visible()


def test_a_moderator_changes_the_phone_but_not_the_reply_to(moderator_page, site_url):
    before = ClinicSettings.objects.get().email
    moderator_page.goto(site_url + settings_path("clinic", "clinicsettings"))
    expect(moderator_page.locator('input[name="email"]')).to_be_disabled()
    moderator_page.locator('input[name="phone"]').fill("(305) 555-0134")
    moderator_page.get_by_role("button", name="Save").click()
    expect(moderator_page.get_by_text("Clinic settings updated.")).to_be_visible()
    clinic = ClinicSettings.objects.get()
    assert clinic.phone == "(305) 555-0134"
    assert clinic.email == before
