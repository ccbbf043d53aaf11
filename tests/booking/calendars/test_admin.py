"""The staff screens: the calendar screen (feed address, connect, sync now, disconnect), its panel
on the account screen, and resolving an alert from the dashboard."""

import pytest

from django.core import mail

from booking.calendars.models import CalendarAlert, CalendarConnection, CalendarFeed
from booking.models import VisitRequest
from booking.slots import slot_value
from tests.booking.calendars.conftest import APP_PASSWORD
from tests.booking.conftest import form_data
from tests.booking.live_server import free_port


@pytest.fixture
def desk_client(client, front_desk):
    client.force_login(front_desk)
    return client


def test_the_calendar_screen_offers_to_create_a_feed_and_shows_its_addresses(desk_client, front_desk):
    page = desk_client.get("/admin/calendar/").content.decode()
    assert "Create my feed address" in page
    desk_client.post("/admin/calendar/feed/create/")
    feed = CalendarFeed.objects.get(user=front_desk)
    page = desk_client.get("/admin/calendar/").content.decode()
    assert f"webcal://testserver/calendar-feed/{feed.token}.ics" in page
    assert f"http://testserver/calendar-feed/{feed.token}.ics" in page


def test_replacing_the_feed_address_from_the_screen_retires_the_old_one(desk_client, front_desk, client):
    desk_client.post("/admin/calendar/feed/create/")
    old = CalendarFeed.objects.get(user=front_desk).token
    desk_client.post("/admin/calendar/feed/replace/")
    assert CalendarFeed.objects.get(user=front_desk).token != old
    assert client.get(f"/calendar-feed/{old}.ics").status_code == 404


def test_turning_the_feed_off_from_the_screen(desk_client, front_desk):
    desk_client.post("/admin/calendar/feed/create/")
    desk_client.post("/admin/calendar/feed/revoke/")
    assert not CalendarFeed.objects.filter(user=front_desk).exists()


def test_feed_actions_need_a_post(desk_client, front_desk):
    assert desk_client.get("/admin/calendar/feed/create/").status_code == 405
    assert not CalendarFeed.objects.exists()


def test_staff_who_may_not_see_visits_get_no_calendar_screen(client, editor):
    client.force_login(editor)
    # Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and a message.
    assert client.get("/admin/calendar/")["Location"] == "/admin/"
    assert client.post("/admin/calendar/feed/create/")["Location"] == "/admin/"
    assert not CalendarFeed.objects.exists()


def test_connecting_from_the_screen_checks_the_calendar_and_never_shows_the_password_again(
    desk_client, front_desk, owner
):
    response = desk_client.post(
        "/admin/calendar/",
        {"url": owner.url, "username": owner.username, "password": APP_PASSWORD},
        follow=True,
    )
    assert "Your calendar is connected" in response.content.decode()
    assert APP_PASSWORD not in response.content.decode()
    connection = CalendarConnection.objects.get(user=front_desk)
    assert connection.url == owner.url
    assert connection.status == "ok"  # the first pass ran (immediately in tests)


def test_a_wrong_address_is_refused_with_the_reason_and_the_password_not_echoed(desk_client):
    response = desk_client.post(
        "/admin/calendar/",
        {"url": f"http://127.0.0.1:{free_port()}/nothing/", "username": "a", "password": "secret-guess-1"},
    )
    text = response.content.decode()
    assert "Could not reach the calendar" in text
    assert "secret-guess-1" not in text
    assert not CalendarConnection.objects.exists()


def test_a_plain_http_address_is_refused_in_production(desk_client, settings, owner):
    settings.CALENDAR_ALLOW_HTTP = False
    response = desk_client.post("/admin/calendar/", {"url": owner.url, "username": "a", "password": "x"})
    assert "https://" in response.content.decode()
    assert not CalendarConnection.objects.exists()


def test_connecting_without_an_encryption_key_says_what_to_set(desk_client, settings):
    settings.CALENDAR_ENCRYPTION_KEYS = []
    assert "CALENDAR_ENCRYPTION_KEY" in desk_client.get("/admin/calendar/").content.decode()


def test_disconnecting_forgets_the_connection(desk_client, front_desk, owner):
    desk_client.post(
        "/admin/calendar/", {"url": owner.url, "username": owner.username, "password": APP_PASSWORD}
    )
    desk_client.post("/admin/calendar/disconnect/")
    assert not CalendarConnection.objects.exists()


def test_sync_now_runs_a_pass(desk_client, front_desk, owner):
    desk_client.post(
        "/admin/calendar/", {"url": owner.url, "username": owner.username, "password": APP_PASSWORD}
    )
    CalendarConnection.objects.update(status="failed", last_error="old")
    response = desk_client.post("/admin/calendar/sync/", follow=True)
    assert "A sync has started" in response.content.decode()
    assert CalendarConnection.objects.get().status == "ok"


def test_the_account_screen_has_a_calendar_panel_for_staff_who_see_visits(desk_client, front_desk):
    desk_client.post("/admin/calendar/feed/create/")
    page = desk_client.get("/admin/account/").content.decode()
    assert "Your calendar" in page
    assert f"webcal://testserver/calendar-feed/{CalendarFeed.objects.get().token}.ics" in page
    assert 'href="/admin/calendar/"' in page


def test_the_account_screen_saves_as_before_with_the_calendar_panel(desk_client, front_desk):
    response = desk_client.post(
        "/admin/account/",
        {
            "name_email-first_name": "Desk",
            "name_email-last_name": "Person",
            "name_email-email": "desk@example.com",
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302
    front_desk.refresh_from_db()
    assert front_desk.first_name == "Desk"


def test_an_editor_sees_no_calendar_panel(client, editor):
    client.force_login(editor)
    assert "Your calendar" not in client.get("/admin/account/").content.decode()


def test_staff_resolve_an_alert_from_the_dashboard(desk_client, front_desk, booking_page, care_area, client):
    start = booking_page.free_slots()[0].start
    desk_client.post(booking_page.url, form_data(slot_value(start)))
    alert = CalendarAlert.objects.create(kind="deleted", visit_request=VisitRequest.objects.get())
    assert "The visit was deleted in the calendar" in desk_client.get("/admin/").content.decode()
    desk_client.post(f"/admin/calendar/alerts/{alert.pk}/resolve/")
    alert.refresh_from_db()
    assert alert.resolved_by == front_desk
    assert "The visit was deleted in the calendar" not in desk_client.get("/admin/").content.decode()
    assert mail.outbox == [] or all("Maria" not in m.subject for m in mail.outbox)
