"""Two-way sync against a real CalDAV server (Radicale): busy times block slots, visits are
written into the therapist's calendar and follow every change, and what the therapist changes
there is flagged to staff, never applied to the patient's visit."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from booking import services
from booking.admin.forms import move_slots
from booking.calendars import crypto, sync
from booking.calendars.ics import staff_uid
from booking.calendars.models import BusyTime, CalendarAlert, CalendarConnection, PushedVisit
from booking.calendars.services import calendar_alert_resolve
from booking.errors import SlotTaken
from booking.models import VisitRequest
from booking.slots import slot_value
from tests.booking.calendars.conftest import APP_PASSWORD, vevent
from tests.booking.conftest import form_data
from tests.booking.live_server import free_port

NY = ZoneInfo("America/New_York")


def day(n: int):
    """Day n of a working week ahead: day(2) is the Monday at least two days from today, day(3)
    its Tuesday and so on to day(6), its Friday. The test clinic opens Monday to Friday only, so
    counting from today would put these visits and busy times on a closed weekend some days."""
    today = timezone.localdate()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    if monday - today < timedelta(days=2):
        monday += timedelta(days=7)
    return monday + timedelta(days=n - 2)


def ny(date_, hh_mm: str, fold: int = 0) -> datetime:
    return datetime.combine(date_, time.fromisoformat(hh_mm), tzinfo=NY).replace(fold=fold)


def free_times(page, date_) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in page.free_slots() if slot.start.date() == date_]


def synced(connection):
    result = sync.sync_connection(connection)
    assert result.ok, result.error
    return result


@pytest.fixture
def book(client, booking_page, care_area, django_capture_on_commit_callbacks):
    """A patient books through the form; the calendar push runs after the commit, as in
    production (there by the worker)."""

    def book(start: datetime, **overrides) -> VisitRequest:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(booking_page.url, form_data(slot_value(start), **overrides))
        assert response.status_code == 303
        return VisitRequest.objects.order_by("-pk").first()

    return book


def calendar_event(owner, visit_request):
    """Our event for the visit in the therapist's calendar, parsed, or None."""
    for text in owner.objects().values():
        for event in Calendar.from_ical(text).walk("VEVENT"):
            if str(event["UID"]) == staff_uid(visit_request):
                return event
    return None


# Busy times block slots


def test_a_busy_event_removes_the_slots_it_overlaps_from_the_booking_page(
    client, booking_page, owner, connection
):
    date_ = day(3)
    owner.add(vevent("dentist", ny(date_, "10:00"), ny(date_, "11:00"), "Dentist"))
    synced(connection)
    times = free_times(booking_page, date_)
    assert "10:00" not in times
    assert "10:30" not in times
    assert "11:00" in times
    page = client.get(booking_page.url, {"day": date_.isoformat()}).content.decode()
    assert slot_value(ny(date_, "10:00")) not in page
    assert slot_value(ny(date_, "11:00")) in page
    assert "Dentist" not in page


def test_busy_times_also_leave_the_staff_pickers_times(booking_page, owner, connection, book):
    visit = book(ny(day(2), "09:00"))
    owner.add(vevent("course", ny(day(4), "14:00"), ny(day(4), "15:00")))
    synced(connection)
    offered = [slot_value(slot.start) for slot in move_slots(visit)]
    assert slot_value(ny(day(4), "14:00")) not in offered
    assert slot_value(ny(day(4), "15:00")) in offered


def test_a_weekly_event_with_an_exdate_and_a_moved_occurrence_blocks_the_right_weeks(
    booking_page, owner, connection
):
    first = day(2)
    owner.add(
        vevent(
            "course",
            ny(first, "12:00"),
            ny(first, "13:00"),
            "Course",
            extra=f"""RRULE:FREQ=WEEKLY;COUNT=4
            EXDATE;TZID=America/New_York:{first + timedelta(days=7):%Y%m%d}T120000""",
        )
    )
    moved = vevent("course", ny(first + timedelta(days=15), "15:00"), ny(first + timedelta(days=15), "16:00"))
    moved = moved.replace(
        "SUMMARY:Busy",
        f"SUMMARY:Course\r\nRECURRENCE-ID;TZID=America/New_York:{first + timedelta(days=14):%Y%m%d}T120000",
    )
    # The override goes into the same calendar object as its series, as calendar apps store it.
    series = owner.event_with_uid("course")
    override = Calendar.from_ical(moved).walk("VEVENT")[0]
    series.icalendar_instance.add_component(override)
    series.save()
    synced(connection)
    assert "12:00" not in free_times(booking_page, first)
    assert "12:00" in free_times(booking_page, first + timedelta(days=7))  # EXDATE
    assert "12:00" in free_times(booking_page, first + timedelta(days=14))  # moved away...
    assert "15:00" not in free_times(booking_page, first + timedelta(days=15))  # ...to here
    assert "12:00" not in free_times(booking_page, first + timedelta(days=21))


def test_an_all_day_event_blocks_the_whole_day(booking_page, owner, connection):
    race = day(4)
    owner.add(
        "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//app//EN",
                "BEGIN:VEVENT",
                "UID:marathon",
                "DTSTAMP:20260101T000000Z",
                f"DTSTART;VALUE=DATE:{race:%Y%m%d}",
                f"DTEND;VALUE=DATE:{race + timedelta(days=1):%Y%m%d}",
                "SUMMARY:Marathon",
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            ]
        )
    )
    synced(connection)
    assert free_times(booking_page, race) == []
    assert free_times(booking_page, race + timedelta(days=1)) != []


def test_a_multi_day_event_blocks_each_day_it_covers(booking_page, owner, connection):
    owner.add(vevent("trip", ny(day(3), "15:00"), ny(day(5), "11:00"), "Conference"))
    synced(connection)
    assert free_times(booking_page, day(3))[-1] == "14:30"
    assert free_times(booking_page, day(4)) == []
    assert free_times(booking_page, day(5))[0] == "11:00"


def test_free_and_cancelled_events_do_not_block(booking_page, owner, connection):
    date_ = day(3)
    owner.add(vevent("reminder", ny(date_, "10:00"), ny(date_, "11:00"), extra="TRANSP:TRANSPARENT"))
    owner.add(vevent("called-off", ny(date_, "13:00"), ny(date_, "14:00"), extra="STATUS:CANCELLED"))
    synced(connection)
    times = free_times(booking_page, date_)
    assert "10:00" in times
    assert "13:00" in times


def next_change(month: int, sunday: int) -> datetime.date:
    """The next DST change in New York: 2nd Sunday of March, 1st Sunday of November."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        first = datetime(year, month, 1).date()
        candidate = first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (sunday - 1))
        if candidate > today:
            return candidate
    raise AssertionError("no change ahead")


def test_events_across_the_march_and_november_changes_block_their_real_hours(booking_page, owner, connection):
    booking_page.horizon_days = 365
    booking_page.save()
    march, november = next_change(3, 2), next_change(11, 1)
    owner.add(vevent("night-march", ny(march, "01:00"), ny(march, "04:00")))
    owner.add(vevent("night-november", ny(november, "00:30"), ny(november, "02:30")))
    # The Monday 9:00 meeting keeps its clock time on both sides of the March change.
    monday_before = march - timedelta(days=6)
    owner.add(
        vevent(
            "monday",
            ny(monday_before, "09:00"),
            ny(monday_before, "10:00"),
            extra="RRULE:FREQ=WEEKLY;COUNT=2",
        )
    )
    synced(connection)
    lengths = {(b.end - b.start) for b in BusyTime.objects.filter(connection=connection)}
    assert timedelta(hours=2) in lengths  # 01:00-04:00 on the March change
    assert timedelta(hours=3) in lengths  # 00:30-02:30 on the November change
    assert "09:00" not in free_times(booking_page, monday_before)
    assert "09:00" not in free_times(booking_page, monday_before + timedelta(days=7))
    assert "10:00" in free_times(booking_page, monday_before + timedelta(days=7))


def test_one_busy_therapist_takes_one_seat_of_a_slot_for_two(booking_page, owner, connection, book):
    booking_page.capacity = 2
    booking_page.save()
    start = ny(day(3), "10:00")
    owner.add(vevent("dentist", start, start + timedelta(hours=1)))
    synced(connection)
    assert [s.remaining for s in booking_page.free_slots() if s.start == start] == [1]
    book(start)
    assert "10:00" not in free_times(booking_page, day(3))
    with pytest.raises(SlotTaken):
        services.visit_request_create(
            page=booking_page,
            patient=services.Patient(
                first_name="Ann", last_name="Lee", email="ann@example.com", phone="+19545550100"
            ),
            slot_start=start,
        )


# Bookings appear in the calendar and follow every change


def test_a_booking_appears_in_the_therapists_calendar_with_initials_only(owner, connection, book):
    visit = book(ny(day(3), "10:00"), note="Left hip hurts after 5 km")
    event = calendar_event(owner, visit)
    assert event is not None
    assert str(event["SUMMARY"]) == "Free Discovery Visit – M. G."
    assert event.decoded("DTSTART") == ny(day(3), "10:00")
    assert str(event["DTSTART"].params["TZID"]) == "America/New_York"
    assert "1 Main Street" in str(event["LOCATION"])
    assert f"/admin/visit-requests/inspect/{visit.pk}/" in str(event["URL"])
    text = event.to_ical().decode()
    for private in ("Garcia", "Maria", "maria@example.com", "555", "hip", "Hip"):
        assert private not in text


def test_a_visit_moved_by_staff_moves_in_the_calendar_with_the_same_uid_and_a_higher_sequence(
    owner, connection, book, django_capture_on_commit_callbacks
):
    visit = book(ny(day(3), "10:00"))
    before = calendar_event(owner, visit)
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_update(visit_request=visit, status="confirmed", slot_start=ny(day(4), "15:00"))
    after = calendar_event(owner, visit)
    assert after.decoded("DTSTART") == ny(day(4), "15:00")
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert len(owner.objects()) == 1


def test_a_visit_moved_by_the_patient_moves_in_the_calendar(
    owner, connection, book, django_capture_on_commit_callbacks
):
    visit = book(ny(day(3), "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_reschedule(visit_request=visit, slot_start=ny(day(5), "11:30"))
    assert calendar_event(owner, visit).decoded("DTSTART") == ny(day(5), "11:30")


@pytest.mark.parametrize("by_patient", [True, False])
def test_a_cancelled_visit_disappears_from_the_calendar(
    owner, connection, book, django_capture_on_commit_callbacks, by_patient
):
    visit = book(ny(day(3), "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        if by_patient:
            services.visit_request_cancel(visit_request=visit)
        else:
            services.visit_request_update(visit_request=visit, status="cancelled")
    assert calendar_event(owner, visit) is None
    assert PushedVisit.objects.get(visit_request=visit).removed


def test_the_pass_writes_visits_booked_while_the_calendar_was_unreachable(owner, connection, book):
    CalendarConnection.objects.filter(pk=connection.pk).update(url=f"http://127.0.0.1:{free_port()}/gone/")
    visit = book(ny(day(3), "10:00"))
    assert visit.slot_start == ny(day(3), "10:00")  # booked all the same
    assert CalendarConnection.objects.get(pk=connection.pk).status == "failed"
    CalendarConnection.objects.filter(pk=connection.pk).update(url=owner.url)
    connection.refresh_from_db()
    assert synced(connection).written == 1
    assert calendar_event(owner, visit) is not None


# What the therapist changes in her calendar is flagged, never applied


def test_a_visit_deleted_in_the_calendar_raises_one_alert_and_one_email_and_the_visit_stays(
    client, owner, connection, book, front_desk, django_capture_on_commit_callbacks, booking_page
):
    visit = book(ny(day(3), "10:00"))
    synced(connection)
    owner.event_with_uid(staff_uid(visit)).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert synced(connection).alerts == 1
        synced(connection)  # seen again: no second alert, no second email
    alert = CalendarAlert.objects.get()
    assert alert.kind == "deleted"
    assert len(mail.outbox) == 1
    assert "Maria" not in mail.outbox[0].subject
    assert f"/admin/visit-requests/inspect/{visit.pk}/" in mail.outbox[0].body
    visit.refresh_from_db()
    assert visit.status == "new"
    assert visit.slot_start == ny(day(3), "10:00")
    client.force_login(front_desk)
    dashboard = client.get("/admin/").content.decode()
    assert "The visit was deleted in the calendar" in dashboard
    assert calendar_event(owner, visit) is None  # not put back behind the therapist's back


def test_resolving_a_deleted_visits_alert_puts_it_back_in_the_calendar(owner, connection, book, front_desk):
    visit = book(ny(day(3), "10:00"))
    synced(connection)
    owner.event_with_uid(staff_uid(visit)).delete()
    synced(connection)
    calendar_alert_resolve(alert=CalendarAlert.objects.get(), user=front_desk)
    synced(connection)
    assert calendar_event(owner, visit).decoded("DTSTART") == ny(day(3), "10:00")
    assert CalendarAlert.objects.filter(resolved_at__isnull=True).count() == 0


def test_a_visit_moved_in_the_calendar_raises_an_alert_and_is_left_as_the_therapist_put_it(
    owner, connection, book
):
    visit = book(ny(day(3), "10:00"))
    synced(connection)
    event = owner.event_with_uid(staff_uid(visit))
    component = event.icalendar_component
    component["DTSTART"].dt = ny(day(3), "16:00")
    component["DTEND"].dt = ny(day(3), "16:30")
    event.save()
    synced(connection)
    synced(connection)
    assert CalendarAlert.objects.get().kind == "moved"
    visit.refresh_from_db()
    assert visit.slot_start == ny(day(3), "10:00")
    assert calendar_event(owner, visit).decoded("DTSTART") == ny(day(3), "16:00")


def test_an_edit_conflict_is_flagged_and_the_visits_new_time_wins_in_the_calendar(
    owner, connection, book, django_capture_on_commit_callbacks
):
    visit = book(ny(day(3), "10:00"))
    # The therapist moves the event in her app; before any pass, staff move the visit.
    event = owner.event_with_uid(staff_uid(visit))
    event.icalendar_component["DTSTART"].dt = ny(day(3), "16:00")
    event.icalendar_component["DTEND"].dt = ny(day(3), "16:30")
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_update(visit_request=visit, status="confirmed", slot_start=ny(day(4), "09:30"))
    assert CalendarAlert.objects.get().kind == "moved"
    assert calendar_event(owner, visit).decoded("DTSTART") == ny(day(4), "09:30")


def test_a_booking_that_collides_with_a_new_busy_event_is_flagged_not_lost(owner, connection, book):
    synced(connection)
    start = ny(day(3), "10:00")
    visit = book(start)  # between two passes...
    owner.add(
        vevent("dentist", start - timedelta(minutes=30), start + timedelta(minutes=30), "Dentist")
    )  # ...and busy
    result = synced(connection)
    assert result.alerts == 1
    alert = CalendarAlert.objects.get()
    assert alert.kind == "busy"
    assert alert.visit_request == visit
    visit.refresh_from_db()
    assert visit.status == "new"


def test_the_clinics_own_events_do_not_count_as_busy(booking_page, owner, connection, book):
    booking_page.capacity = 2
    booking_page.save()
    start = ny(day(3), "10:00")
    book(start)
    synced(connection)
    assert BusyTime.objects.count() == 0
    assert [s.remaining for s in booking_page.free_slots() if s.start == start] == [1]


# Incremental, full fallback, failure


def test_passes_read_only_what_changed_and_fall_back_to_everything_when_the_token_is_refused(
    booking_page, owner, connection
):
    for n in range(3):
        owner.add(vevent(f"e{n}", ny(day(3 + n), "10:00"), ny(day(3 + n), "11:00")))
    first = synced(connection)
    assert first.complete
    assert first.read == 3
    owner.add(vevent("e3", ny(day(7), "10:00"), ny(day(7), "11:00")))
    second = synced(connection)
    assert not second.complete
    assert second.read == 1
    assert synced(connection).read == 0
    owner.event_with_uid("e0").delete()
    CalendarConnection.objects.filter(pk=connection.pk).update(
        sync_token="http://radicale.org/ns/sync/expired"
    )
    connection.refresh_from_db()
    fallback = synced(connection)
    assert fallback.complete
    assert fallback.events == 3
    assert "10:00" in free_times(booking_page, day(3))  # the deleted event no longer blocks
    assert "10:00" not in free_times(booking_page, day(4))


def test_a_server_down_during_sync_keeps_the_last_busy_times_and_degrades_healthz(
    client, booking_page, owner, connection
):
    owner.add(vevent("dentist", ny(day(3), "10:00"), ny(day(3), "11:00")))
    synced(connection)
    CalendarConnection.objects.filter(pk=connection.pk).update(url=f"http://127.0.0.1:{free_port()}/down/")
    connection.refresh_from_db()
    result = sync.sync_connection(connection)
    assert not result.ok
    connection.refresh_from_db()
    assert connection.status == "failed"
    assert "Could not reach the calendar" in connection.last_error
    assert APP_PASSWORD not in connection.last_error
    assert "10:00" not in free_times(booking_page, day(3))
    assert client.get(booking_page.url).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["calendar_sync"]["failed"] == 1


def test_a_calendar_not_synced_for_too_long_degrades_healthz(client, connection, settings):
    settings.CALENDAR_SYNC_STALE_SECONDS = 60
    synced(connection)
    assert client.get("/healthz").json()["calendar_sync"]["status"] == "ok"
    CalendarConnection.objects.update(last_synced_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/healthz").json()["calendar_sync"] == {
        "status": "degraded",
        "connected": 1,
        "failed": 0,
        "stale": 1,
    }


# Connecting


def test_the_app_password_is_stored_encrypted(connection):
    assert APP_PASSWORD not in connection.password_encrypted
    assert crypto.decrypt(connection.password_encrypted) == APP_PASSWORD


def test_a_password_stored_under_another_key_is_refused_with_a_clear_message(connection, settings):
    settings.CALENDAR_ENCRYPTION_KEYS = ["A" * 43 + "="]
    result = sync.sync_connection(connection)
    assert not result.ok
    assert "CALENDAR_ENCRYPTION_KEY" in result.error


def test_connect_calendar_reads_the_password_from_the_environment(therapist, owner, monkeypatch, capsys):
    monkeypatch.setenv("CALDAV_PASSWORD", APP_PASSWORD)
    call_command("connect_calendar", "ashley", owner.url, "--username", owner.username)
    assert "Connected ashley's calendar" in capsys.readouterr().out
    assert CalendarConnection.objects.get(user=therapist).username == owner.username


def test_connect_calendar_refuses_without_a_password(therapist, owner, monkeypatch):
    monkeypatch.delenv("CALDAV_PASSWORD", raising=False)
    with pytest.raises(Exception, match="CALDAV_PASSWORD"):
        call_command("connect_calendar", "ashley", owner.url, "--username", owner.username)


def test_connect_refuses_a_server_that_does_not_answer(therapist, monkeypatch):
    monkeypatch.setenv("CALDAV_PASSWORD", APP_PASSWORD)
    with pytest.raises(Exception, match="Could not reach the calendar"):
        call_command("connect_calendar", "ashley", f"http://127.0.0.1:{free_port()}/x/", "--username", "a")
    assert not CalendarConnection.objects.exists()


def test_sync_calendars_runs_one_pass_over_every_calendar(owner, connection, capsys):
    owner.add(vevent("dentist", ny(day(3), "10:00"), ny(day(3), "11:00")))
    call_command("sync_calendars")
    out = capsys.readouterr().out
    assert "1 busy times" in out
    assert "1 of 1 calendars synced" in out
