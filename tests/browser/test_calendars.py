"""A Front desk member (who also sees patients) sets up her calendar in Chromium: from the account
screen to the calendar screen, a private feed address that a calendar app can read, her CalDAV
calendar connected, the feed turned off; then a visit she deleted in her calendar shows up as an
alert on the dashboard, and she resolves it."""

import pytest
import requests
from icalendar import Calendar
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client

from booking.calendars import services as calendar_services
from booking.calendars import sync
from booking.calendars.ics import staff_uid
from booking.calendars.models import CalendarConnection
from booking.models import DiscoveryVisitPage, VisitRequest
from booking.slots import slot_value
from tests.booking.calendars.conftest import APP_PASSWORD, Owner, radicale  # noqa: F401 - fixture
from tests.booking.conftest import form_data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_admin_csp import RECORD_VIOLATIONS

PASSWORD = "desk-password-5512"


@pytest.fixture
def front_desk(db, django_user_model):
    # Built here, not taken from the data migration: live-server tests empty the database after them.
    group, _ = Group.objects.get_or_create(name="Front desk")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_visitrequest", "change_visitrequest"])
    )
    user = django_user_model.objects.create_user(
        username="desk", password=PASSWORD, first_name="Ashley", last_name="Kranz"
    )
    user.groups.add(group)
    return user


def sign_in(page, site_url, next_path):
    page.goto(f"{site_url}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def leave(page):
    """Off the admin before the live server's database is emptied: the dashboard's scripts
    still fetch in the background, and a request in flight locks the in-memory database."""
    page.goto("about:blank")
    page.wait_for_load_state("networkidle")


def test_staff_subscribe_connect_and_turn_the_feed_off(page, site_url, front_desk, radicale, axe):  # noqa: F811
    owner = Owner(radicale.url)
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, site_url, "/admin/account/")
    page.get_by_role("tab", name="Calendar").click()
    expect(page.get_by_text("No calendar feed yet.")).to_be_visible()
    page.get_by_role("link", name="Calendar feed and sync").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    assert_no_axe_violations(axe, page)

    page.get_by_role("button", name="Create my feed address").click()
    https_address = page.get_by_label("Same address over https").input_value()
    webcal_address = page.get_by_label("Subscribe (calendar apps)").input_value()
    assert https_address.startswith(f"{site_url}/calendar-feed/")
    assert webcal_address == "webcal://" + https_address.split("://", 1)[1]
    feed = requests.get(https_address, timeout=10)
    assert feed.status_code == 200
    assert Calendar.from_ical(feed.content).get("X-WR-CALNAME")
    # Again without the success message (Wagtail's own green, 3.9:1, is not this screen's).
    page.reload()
    assert_no_axe_violations(axe, page)

    page.get_by_label("Calendar address (CalDAV)").fill(owner.url)
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("App password").fill(APP_PASSWORD)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "Your calendar is connected"
    )
    expect(page.get_by_text(owner.url).first).to_be_visible()
    assert CalendarConnection.objects.get().user == front_desk
    assert APP_PASSWORD not in page.content()

    page.get_by_role("button", name="Turn the feed off").click()
    expect(page.get_by_role("button", name="Create my feed address")).to_be_visible()
    assert requests.get(https_address, timeout=10).status_code == 404
    assert page.evaluate("window.__csp") == []
    leave(page)


def test_a_visit_deleted_in_the_calendar_is_an_alert_staff_resolve_on_the_dashboard(
    page,
    site_url,
    front_desk,
    radicale,  # noqa: F811 - the fixture imported above
    axe,
):
    owner = Owner(radicale.url)
    connection = calendar_services.calendar_connect(
        user=front_desk, url=owner.url, username=owner.username, password=APP_PASSWORD
    )
    booking_page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    start = booking_page.free_slots()[1].start
    assert Client().post(booking_page.url, form_data(slot_value(start))).status_code == 303
    visit = VisitRequest.objects.get()
    assert sync.sync_connection(connection).ok
    owner.event_with_uid(staff_uid(visit)).delete()
    mail.outbox.clear()
    assert sync.sync_connection(connection).alerts == 1

    sign_in(page, site_url, "/admin/")
    alerts = page.get_by_role("region", name="Calendars")
    expect(alerts).to_contain_text("The visit was deleted in the calendar")
    expect(alerts).to_contain_text("Ashley Kranz")
    assert_no_axe_violations(axe, page)
    alerts.get_by_role("button", name=f"Resolved (#{visit.pk})").click()
    expect(page.get_by_role("region", name="Calendars")).to_have_count(0)
    visit.refresh_from_db()
    assert visit.status == "new"
    leave(page)
