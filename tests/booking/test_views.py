"""Patients book a Free Discovery Visit on /book/ without JavaScript."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest

from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import booking.forms
from booking import services
from booking.formatting import visit_time
from booking.forms import STARTED_SALT
from booking.models import Notification, SlotSeat, VisitRequest
from booking.picker import DAYS_PER_PAGE
from booking.slots import slot_value
from booking.views import shared as view_helpers
from tests.booking.conftest import day_button, form_data
from tests.factories import StandardPageFactory


def first_free(page, n=0):
    return slot_value(page.free_slots()[n].start)


def test_booking_page_lists_the_first_days_free_times_as_a_radio_group(client, booking_page, care_area):
    html = client.get("/book/").content.decode()
    first_day = booking_page.free_slots()[0].start.date()
    day_times = [s for s in booking_page.free_slots() if s.start.date() == first_day]
    assert html.count('name="slot"') == len(day_times) + 1  # and "None of these times suit me"
    assert f'value="{first_free(booking_page)}"' in html
    assert f"Times on {first_day:%A} {first_day.day} {first_day:%B}</legend>" in html
    assert "Free, 30 minutes, no obligation." in html
    assert 'autocomplete="given-name"' in html
    assert 'type="tel"' in html
    assert ">Hip</option>" in html
    assert ">Other</option>" in html


def test_booking_page_first_response_is_at_most_30_kb(client, demo_site):
    response = client.get("/book/")
    assert response.status_code == 200
    assert len(response.content) <= 30_000


def test_booking_page_stays_under_30_kb_with_every_day_open_for_90_days(client, booking_page, care_area):
    booking_page.horizon_days = 90
    booking_page.save()
    assert len(client.get("/book/").content) <= 30_000


def test_the_first_bookable_days_are_buttons_that_show_their_times(client, booking_page, care_area):
    days = sorted({s.start.date() for s in booking_page.free_slots()})
    html = client.get("/book/").content.decode()
    for day in days[:DAYS_PER_PAGE]:
        assert day_button(day) in html
    assert day_button(days[0], current=True) in html
    later = days[DAYS_PER_PAGE].isoformat()
    assert f'name="day" value="{later}" formaction="#slot-group" formnovalidate>Later dates' in html


def test_a_day_parameter_lists_that_days_times_grouped_morning_and_afternoon(client, booking_page, care_area):
    day = sorted({s.start.date() for s in booking_page.free_slots()})[3]
    html = client.get(f"/book/?day={day.isoformat()}").content.decode()
    values = [slot_value(s.start) for s in booking_page.free_slots() if s.start.date() == day]
    assert [v for v in values if f'value="{v}"' in html] == values
    assert html.count('name="slot"') == len(values) + 1
    assert day_button(day, current=True) in html
    assert html.index(">Morning</legend>") < html.index(">Afternoon</legend>")


def test_a_day_button_sends_the_form_back_with_that_days_times_and_everything_typed_kept(
    client, booking_page, care_area, home
):
    article = StandardPageFactory(parent=home)
    day = sorted({s.start.date() for s in booking_page.free_slots()})[4]
    typed = form_data("", first_name="Dana", note="Left hip, since March", source=str(article.pk))
    response = client.post("/book/", {**typed, "day": day.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert day_button(day, current=True) in html
    assert 'value="Dana"' in html
    assert "Left hip, since March</textarea>" in html
    assert f'name="source" value="{article.pk}"' in html
    assert f'name="form_token" value="{typed["form_token"]}"' in html
    assert '<option value="hip" selected>' in html
    assert 'id="id_consent" checked' in html


def test_a_day_button_books_nothing_and_says_nothing_is_wrong(client, booking_page, care_area):
    day = sorted({s.start.date() for s in booking_page.free_slots()})[1]
    response = client.post("/book/", form_data("", first_name="", email="nope", day=day.isoformat()))
    html = response.content.decode()
    assert not VisitRequest.objects.exists()
    assert "There is a problem" not in html
    assert 'aria-invalid="true"' not in html


def test_a_time_chosen_on_one_day_stays_chosen_while_another_day_is_shown(client, booking_page, care_area):
    first = booking_page.free_slots()[0]
    day = sorted({s.start.date() for s in booking_page.free_slots()})[1]
    html = client.post("/book/", form_data(slot_value(first.start), day=day.isoformat())).content.decode()
    assert day_button(day, current=True) in html
    kept = html.split('class="slot-kept"')[1].split("</div>")[0]
    assert f'value="{slot_value(first.start)}" autocomplete="off"' in kept
    assert " checked>" in kept
    assert f"Your time: <strong>{visit_time(first.start)}</strong>" in html


def test_a_day_button_is_not_counted_as_a_booking_attempt(client, booking_page, care_area, settings):
    settings.BOOKING_RATE_LIMIT = "2/d"
    day = sorted({s.start.date() for s in booking_page.free_slots()})[1].isoformat()
    statuses = [client.post("/book/", form_data("", day=day)).status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert client.post("/book/", form_data(first_free(booking_page))).status_code == 303


def test_day_link_to_a_day_without_times_shows_the_first_day(client, booking_page, care_area):
    for day in ["2001-01-01", "garbage", "2026-02-30"]:
        html = client.get(f"/book/?day={day}").content.decode()
        assert f'value="{first_free(booking_page)}"' in html


def test_times_fragment_serves_one_days_times_for_the_script(client, booking_page, care_area):
    day = sorted({s.start.date() for s in booking_page.free_slots()})[2]
    response = client.get(f"/book/times/?day={day.isoformat()}")
    html = response.content.decode()
    values = [slot_value(s.start) for s in booking_page.free_slots() if s.start.date() == day]
    assert response.status_code == 200
    assert html.count('name="slot"') == len(values)
    assert "<html" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_times_fragment_for_a_day_without_times_is_not_found(client, booking_page, care_area):
    assert client.get("/book/times/?day=2001-01-01").status_code == 404
    assert client.get("/book/times/").status_code == 404


def test_form_sent_back_shows_the_chosen_days_times_with_the_time_kept_and_repeated_by_send(
    client, booking_page, care_area
):
    chosen = booking_page.free_slots()[-1]
    response = client.post("/book/", form_data(slot_value(chosen.start), email="nope"))
    html = response.content.decode()
    assert f'value="{slot_value(chosen.start)}" autocomplete="off" data-label="' in html
    label = visit_time(chosen.start)
    assert f'value="{slot_value(chosen.start)}" autocomplete="off" data-label="{label}" checked>' in html
    beside_send = html.split('id="chosen-time"')[1].split("</p>")[0]
    assert f"Your time: <strong>{visit_time(chosen.start)}</strong>" in beside_send


def test_nothing_is_repeated_by_send_before_a_time_is_chosen(client, booking_page, care_area):
    html = client.get("/book/").content.decode()
    beside_send = html.split('<p class="chosen-time" id="chosen-time"')[1].split("</p>")[0]
    assert beside_send.endswith(">")


def test_concern_and_source_prefill_from_the_query_string(client, booking_page, care_area, home):
    article = StandardPageFactory(parent=home)
    html = client.get(f"/book/?concern=hip&from={article.pk}").content.decode()
    assert '<option value="hip" selected>' in html
    assert f'name="source" value="{article.pk}"' in html


@pytest.mark.parametrize("source", ["¹", "٣", "①", "1²"])
def test_a_source_in_digits_that_are_not_ascii_is_ignored(client, booking_page, source):
    # str.isdigit() is true for superscripts and other scripts' digits, which int() refuses.
    response = client.get("/book/", {"from": source})
    assert response.status_code == 200


def test_unknown_concern_and_source_are_ignored(client, booking_page, care_area):
    response = client.get("/book/?concern=<script>&from=99999999")
    assert response.status_code == 200
    main = response.content.decode().split("<main")[1]
    assert "<script>" not in main
    assert "&lt;script&gt;" not in main
    assert '<option value="" selected>Choose one</option>' in main  # no concern chosen
    assert 'name="source" value="99999999"' not in main


def test_valid_booking_redirects_303_to_a_confirmation_with_the_time(
    client, booking_page, care_area, django_capture_on_commit_callbacks
):
    slot = first_free(booking_page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/", form_data(slot))
    assert response.status_code == 303
    assert response["Location"] == "/book/thanks/"
    visit = VisitRequest.objects.get()
    assert visit.phone == "+19545550123"
    assert visit.concern == care_area
    assert visit.seat.seat == 1
    page = client.get("/book/thanks/").content.decode()
    assert "Your visit is booked" in page
    assert "ET" in page
    assert "(954) 519-5404" in page
    assert "1 Main Street" in page
    ics = client.get("/book/thanks/calendar/")
    assert ics["Content-Type"].startswith("text/calendar")
    assert len(mail.outbox) == 2


def test_confirmation_page_without_a_booking_in_the_session_is_friendly(client, booking_page):
    response = client.get("/book/thanks/")
    assert response.status_code == 404
    assert "confirmation" in response.content.decode()


def test_source_article_is_recorded(client, booking_page, care_area, home):
    article = StandardPageFactory(parent=home)
    client.post("/book/", form_data(first_free(booking_page), source=str(article.pk)))
    assert VisitRequest.objects.get().source_page_id == article.pk


def test_taken_slot_rerenders_form_with_input_kept(client, booking_page, care_area):
    slot = first_free(booking_page)
    assert client.post("/book/", form_data(slot)).status_code == 303
    response = client.post("/book/", form_data(slot, first_name="Dana", email="dana@example.com"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "that time was just taken, please pick another" in html
    assert 'value="Dana"' in html
    assert 'value="dana@example.com"' in html
    assert VisitRequest.objects.count() == 1


def test_same_form_token_posted_twice_creates_one_request(client, booking_page, care_area):
    data = form_data(first_free(booking_page))
    first = client.post("/book/", data)
    second = client.post("/book/", data)
    assert first.status_code == second.status_code == 303
    assert second["Location"] == first["Location"]
    assert VisitRequest.objects.count() == 1


def test_a_form_token_sent_from_another_browser_does_not_show_the_first_patients_request(
    client, booking_page, care_area
):
    data = form_data(first_free(booking_page))
    client.post("/book/", data)
    other = Client()
    response = other.post("/book/", {**data, "first_name": "Eve", "email": "eve@example.com"}, follow=True)
    html = response.content.decode()
    assert "Your visit is booked" not in html
    assert "/manage/" not in html


def test_a_form_token_sent_from_another_browser_says_the_form_was_sent_already(
    client, booking_page, care_area
):
    data = form_data(first_free(booking_page))
    client.post("/book/", data)
    response = Client().post("/book/", {**data, "first_name": "Eve"}, follow=True)
    assert "This form was sent already" in response.content.decode()
    assert VisitRequest.objects.get().first_name == "Maria"


def test_the_browser_that_booked_still_sees_its_confirmation_after_sending_twice(
    client, booking_page, care_area
):
    data = form_data(first_free(booking_page))
    client.post("/book/", data)
    response = client.post("/book/", data, follow=True)
    assert "/manage/" in response.content.decode()


def test_the_patients_session_ends_within_minutes_not_weeks(client, booking_page, care_area, settings):
    settings.BOOKING_CONFIRMATION_MINUTES = 10
    client.post("/book/", form_data(first_free(booking_page)))
    assert client.session.get_expiry_age() <= 600


def test_the_confirmation_is_gone_from_the_browser_after_its_minutes(
    client, booking_page, care_area, settings, monkeypatch
):
    settings.BOOKING_CONFIRMATION_MINUTES = 10
    client.post("/book/", form_data(first_free(booking_page)))
    later = time.time() + 601
    monkeypatch.setattr(view_helpers, "time", SimpleNamespace(time=lambda: later))
    response = client.get("/book/thanks/")
    assert response.status_code == 404
    assert "/manage/" not in response.content.decode()


def test_the_calendar_file_downloads_right_after_booking(client, booking_page, care_area):
    client.post("/book/", form_data(first_free(booking_page)))
    client.get("/book/thanks/")
    response = client.get("/book/thanks/calendar/")
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content


def test_a_signed_in_staff_members_session_keeps_its_own_lifetime(
    client, booking_page, care_area, django_user_model
):
    client.force_login(django_user_model.objects.create_user("staff", password="x"))
    age = client.session.get_expiry_age()
    client.post("/book/", form_data(first_free(booking_page)))
    assert client.session.get_expiry_age() == age


def test_no_suitable_time_sends_preferred_times_instead_of_a_slot(client, booking_page, care_area):
    response = client.post("/book/", form_data("none", preferred_times="Tuesday evenings"))
    assert response.status_code == 303
    visit = VisitRequest.objects.get()
    assert visit.slot_start is None
    assert visit.preferred_times == "Tuesday evenings"
    assert not SlotSeat.objects.exists()
    assert "We have your request" in client.get("/book/thanks/").content.decode()


def test_no_suitable_time_without_preferred_times_asks_for_them(client, booking_page, care_area):
    response = client.post("/book/", form_data("none"))
    assert "Tell us which days and times suit you" in response.content.decode()


def test_a_slot_that_is_not_offered_is_refused(client, booking_page, care_area):
    too_soon = slot_value(booking_page.free_slots()[0].start - timedelta(days=2))
    response = client.post("/book/", form_data(too_soon))
    assert response.status_code == 200
    assert "no longer available" in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_errors_are_shown_per_field_in_a_summary_linked_to_the_fields(client, booking_page, care_area):
    response = client.post("/book/", form_data("", first_name="", email="nope", phone="12", consent=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "There is a problem" in html
    assert 'href="#id_first_name"' in html
    assert 'href="#slot-group"' in html
    assert 'aria-describedby="id_email-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Enter your first name." in html
    assert "Enter an email address like name@example.com." in html
    assert "<title>Error:" in html
    assert 'value="nope"' in html


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("first_name", "Maria\r\nBcc: victim@example.com", "without line breaks"),
        ("last_name", "x" * 10_000, "at most 60 characters"),
        ("email", "maria@example.com\nBcc: victim@example.com", "Enter an email address"),
        ("email", "x" * 10_000 + "@example.com", "at most 254 characters"),
        ("phone", "'; DROP TABLE booking_visitrequest; --", "at most 30 characters"),
        ("phone", "1' OR '1'='1", "phone number"),
        ("phone", "555", "phone number"),
        ("note", "n" * 10_000, "500 characters or fewer"),
        ("concern_other", "c" * 10_000, "at most 60 characters"),
        ("concern_other", "Knee\r\nBcc: x@example.com", "without line breaks"),
        ("first_name", "", "Enter your first name."),
        ("last_name", "   ", "Enter your last name."),
        ("email", "", "Enter your email address."),
        ("phone", "", "Enter your phone number."),
        ("concern", "", "Choose what you would like help with."),
        ("slot", "", "Choose a time for your visit"),
        ("first_name", "Ma\x00ria", "Null characters are not allowed."),
        # Bidirectional overrides can disguise text in the staff inbox; right-to-left script is fine.
        ("last_name", "\u202egnirtS\u202c", "without line breaks or special characters"),
        ("concern", "<script>alert(1)</script>", "Choose one of the areas listed."),
        ("slot", "<script>alert(1)</script>", "Choose one of the times listed."),
        ("slot", "2026-13-45T99:00:00+00:00", "Choose one of the times listed."),
        ("race_date", "2001-01-01", "That date has passed."),
        ("race_date", "tomorrow", "Enter the date"),
        ("preferred_contact", "carrier pigeon", "Select a valid choice"),
        ("consent", "", "Please agree that we may contact you"),
        ("form_token", "not-a-uuid", "Enter a valid UUID"),
    ],
)
def test_hostile_or_invalid_values_are_refused_with_a_message(
    client, booking_page, care_area, field, value, message
):
    data = form_data(first_free(booking_page))
    data[field] = value
    response = client.post("/book/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_a_ten_kilobyte_preferred_times_text_is_refused(client, booking_page, care_area):
    response = client.post("/book/", form_data("none", preferred_times="t" * 10_000))
    assert "Please keep this to 300 characters or fewer (it has 10000)." in response.content.decode()
    assert not VisitRequest.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("first_name", "<script>alert(1)</script>"),
        ("last_name", "O'Brien; DROP TABLE x;--"),
        ("first_name", "Zoë 🏃‍♀️"),
        ("last_name", "مريم"),
        ("note", "<b>bold</b> & 'quoted' \"text\" 🏃 עברית"),
        ("preferred_times", "<img src=x onerror=alert(1)>"),
        ("note", "1; DELETE FROM booking_visitrequest; --"),
    ],
)
def test_odd_but_harmless_text_is_stored_as_typed_and_shown_escaped(
    client, booking_page, care_area, field, value
):
    slot = "none" if field == "preferred_times" else first_free(booking_page)
    data = form_data(
        slot, **{field: value, "preferred_times": value if field == "preferred_times" else "Mondays"}
    )
    assert client.post("/book/", data).status_code == 303
    visit = VisitRequest.objects.get()
    assert getattr(visit, field) == value
    html = client.get("/book/thanks/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_honeypot_filled_blocks_the_submission_with_a_clear_message(client, booking_page, care_area):
    response = client.post("/book/", form_data(first_free(booking_page), website="http://spam.example"))
    assert "could not be sent" in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_a_form_sent_faster_than_a_person_could_is_refused_then_accepted(
    client, booking_page, care_area, settings
):
    settings.BOOKING_MIN_FILL_SECONDS = 3
    html = client.get("/book/").content.decode()
    started = html.split('name="started" value="')[1].split('"')[0]
    response = client.post("/book/", form_data(first_free(booking_page), started=started))
    assert "quicker than we expected" in response.content.decode()
    assert not VisitRequest.objects.exists()
    forged = client.post("/book/", form_data(first_free(booking_page), started="forged"))
    assert "quicker than we expected" in forged.content.decode()


def started_hours_ago(hours: float) -> str:
    then = time.time() - hours * 3600
    with mock.patch.object(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(int(then))):
        return signing.dumps(then, salt=STARTED_SALT)


def test_a_form_started_more_than_two_hours_ago_is_sent_back_with_input_kept(
    client, booking_page, care_area, settings
):
    settings.BOOKING_FORM_MAX_AGE_HOURS = 2
    response = client.post("/book/", form_data(first_free(booking_page), started=started_hours_ago(3)))
    html = response.content.decode()
    assert "open for a long time, so please check your details and send it again" in html
    assert 'value="Maria"' in html
    assert not VisitRequest.objects.exists()


def test_sending_a_stale_form_again_books_the_visit(client, booking_page, care_area, settings):
    settings.BOOKING_FORM_MAX_AGE_HOURS = 2
    data = form_data(first_free(booking_page), started=started_hours_ago(3))
    html = client.post("/book/", data).content.decode()
    data["started"] = html.split('name="started" value="')[1].split('"')[0]
    assert client.post("/book/", data).status_code == 303
    assert VisitRequest.objects.count() == 1


def test_a_form_started_within_two_hours_is_accepted(client, booking_page, care_area, settings):
    settings.BOOKING_FORM_MAX_AGE_HOURS = 2
    response = client.post("/book/", form_data(first_free(booking_page), started=started_hours_ago(1.5)))
    assert response.status_code == 303


def started_in(html: str) -> str:
    return html.split('name="started" value="')[1].split('"')[0]


class Clock:
    """The booking form's clock, moved by hand: the minimum fill time without sleeping."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now


def test_fixing_one_field_and_resending_at_once_is_accepted(
    client, booking_page, care_area, settings, monkeypatch
):
    settings.BOOKING_MIN_FILL_SECONDS = 3
    clock = Clock()
    monkeypatch.setattr(booking.forms, "time", clock)
    slot = first_free(booking_page)
    # Sent a second after the form was shown, with a mistake: refused, and the form comes back.
    started = signing.dumps(clock.now - 1, salt=STARTED_SALT)
    first = client.post("/book/", form_data(slot, started=started, email="maria@"))
    assert "quicker than we expected" in first.content.decode()
    clock.now += 2.5  # the patient fixes the email and sends again at once
    again = client.post("/book/", form_data(slot, started=started_in(first.content.decode())))
    assert again.status_code == 303


def test_a_form_sent_back_keeps_its_original_signed_start_time(client, booking_page, care_area, settings):
    settings.BOOKING_MIN_FILL_SECONDS = 3
    started = signing.dumps(time.time() - 1, salt=STARTED_SALT)
    response = client.post("/book/", form_data(first_free(booking_page), started=started))
    assert started_in(response.content.decode()) == started


def test_a_forged_start_time_is_replaced_by_a_signed_one(client, booking_page, care_area, settings):
    settings.BOOKING_MIN_FILL_SECONDS = 3
    response = client.post("/book/", form_data(first_free(booking_page), started="forged"))
    renewed = signing.loads(started_in(response.content.decode()), salt=STARTED_SALT)
    assert abs(renewed - time.time()) < 5


def test_a_near_race_date_marks_the_earliest_days_before_it(client, booking_page, care_area):
    days = sorted({slot.start.date() for slot in booking_page.free_slots()})
    race = days[2]
    html = client.get(f"/book/?race={race.isoformat()}").content.decode()
    assert "Your race is on" in html
    assert html.count("before your race</span>") == 2
    assert f'value="{race.isoformat()}"' in html


def test_a_race_date_beyond_the_bookable_days_changes_nothing(client, booking_page, care_area):
    far = timezone.localdate() + timedelta(days=200)
    assert "Your race is on" not in client.get(f"/book/?race={far.isoformat()}").content.decode()
    assert client.get("/book/?race=garbage").status_code == 200


def test_booking_page_query_count_does_not_grow_with_bookings(
    client, booking_page, care_area, django_assert_max_num_queries
):
    client.get("/book/")
    with CaptureQueriesContext(connection) as few:
        client.get("/book/")
    baseline = len(few.captured_queries)  # read now: each request clears the query log
    assert baseline <= 40
    slots = booking_page.free_slots()
    others = Client()  # other patients: this visitor's session stays as it was
    for i in range(10):
        others.post(
            "/book/", form_data(slot_value(slots[i].start), first_name=f"P{i}", email=f"p{i}@example.com")
        )
    assert VisitRequest.objects.count() == 10
    with django_assert_max_num_queries(baseline):
        client.get("/book/")


def test_confirmation_page_says_the_email_is_being_sent_while_it_is_queued(client, booking_page, care_area):
    client.post("/book/", form_data(first_free(booking_page)))  # its emails wait for the commit
    html = client.get("/book/thanks/").content.decode()
    assert "We are sending a confirmation to <strong>maria@example.com</strong>" in html
    assert "We have sent" not in html


def test_confirmation_page_says_sent_once_the_email_is_sent(
    client, booking_page, care_area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/", form_data(first_free(booking_page)))
    html = client.get("/book/thanks/").content.decode()
    assert "We have sent a confirmation to <strong>maria@example.com</strong>" in html


@pytest.mark.parametrize(
    "status,words", [("retrying", "We are having trouble sending"), ("failed", "We could not send")]
)
def test_confirmation_page_says_when_the_email_has_trouble_and_gives_the_phone(
    client, booking_page, care_area, status, words
):
    client.post("/book/", form_data(first_free(booking_page)))
    Notification.objects.filter(kind=Notification.Kind.CONFIRMATION).update(status=status)
    html = client.get("/book/thanks/").content.decode()
    assert words in html
    assert 'href="tel:+19545195404"' in html.split(words)[1].split("</p>")[0]


def test_a_nul_byte_in_the_concern_parameter_is_ignored(client, booking_page, care_area):
    # PostgreSQL refuses NUL in text: looking it up answered 500 there (found by the hostile battery).
    response = client.get("/book/?concern=%00&from=%00")
    assert response.status_code == 200


# Issue 14: one visit per booking intent. A send from the browser that has just booked (Back to a
# fresh form, a second tab) shows that booking and offers to move it, instead of a second visit.


def another_form(slot: str, **details) -> dict:
    """What Back or a second tab sends: a freshly rendered form (a new one-time token)."""
    return form_data(slot, **details)


def test_a_second_form_sent_from_the_browser_that_booked_makes_no_second_visit(
    client, booking_page, care_area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/", form_data(first_free(booking_page)))
        response = client.post("/book/", another_form(first_free(booking_page, 1)))
    assert response.status_code == 303
    assert response["Location"] == "/book/thanks/"
    assert VisitRequest.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == ["maria@example.com"]]) == 1


def test_the_second_send_shows_the_booking_and_offers_to_move_it_to_the_time_chosen_now(
    client, booking_page, care_area
):
    booked, chosen_now = booking_page.free_slots()[0], booking_page.free_slots()[1]
    client.post("/book/", form_data(slot_value(booked.start)))
    client.post("/book/", another_form(slot_value(chosen_now.start)))
    html = client.get("/book/thanks/").content.decode()
    assert "You had already booked this visit, so we have not booked a second one." in html
    assert f"Your Free Discovery Visit is on <strong>{visit_time(booked.start)}</strong>" in html
    assert f"Move my visit to {visit_time(chosen_now.start)}</button>" in html
    offer = html.split('<form method="post" action="/book/manage/">')[1].split("</form>")[0]
    assert f'name="slot" value="{slot_value(chosen_now.start)}"' in offer
    assert 'name="action" value="move"' in offer


def test_the_offer_moves_the_booking_in_one_tap(client, booking_page, care_area):
    booked, chosen_now = booking_page.free_slots()[0], booking_page.free_slots()[1]
    client.post("/book/", form_data(slot_value(booked.start)))
    client.post("/book/", another_form(slot_value(chosen_now.start)))
    client.get("/book/thanks/")
    response = client.post(
        "/book/manage/", {"action": "move", "slot": slot_value(chosen_now.start)}, follow=True
    )
    assert "Your visit has a new time" in response.content.decode()
    visit = VisitRequest.objects.get()
    assert visit.slot_start == chosen_now.start


def test_the_offer_is_said_once_and_a_reload_shows_the_booking_alone(client, booking_page, care_area):
    client.post("/book/", form_data(first_free(booking_page)))
    client.post("/book/", another_form(first_free(booking_page, 1)))
    assert "not booked a second one" in client.get("/book/thanks/").content.decode()
    reloaded = client.get("/book/thanks/").content.decode()
    assert "not booked a second one" not in reloaded
    assert "Your visit is booked" in reloaded


def test_sending_the_same_time_again_offers_no_move(client, booking_page, care_area):
    slot = first_free(booking_page)
    client.post("/book/", form_data(slot))
    client.post("/book/", another_form(slot))
    html = client.get("/book/thanks/").content.decode()
    assert "not booked a second one" in html
    assert "Move my visit to" not in html
    assert 'href="/book/manage/">Choose another time, or cancel</a>' in html


def test_the_same_patient_is_recognised_by_email_or_phone_as_typed(client, booking_page, care_area):
    client.post("/book/", form_data(first_free(booking_page)))
    client.post(
        "/book/", another_form(first_free(booking_page, 1), email="MARIA@example.com", phone="9545550999")
    )
    client.post(
        "/book/", another_form(first_free(booking_page, 2), email="m@example.net", phone="954.555.0123")
    )
    assert VisitRequest.objects.count() == 1


def test_someone_else_booking_in_the_same_browser_gets_their_own_visit(client, booking_page, care_area):
    client.post("/book/", form_data(first_free(booking_page)))
    # A parent booking for a child next: another name, the family's email and phone.
    response = client.post("/book/", another_form(first_free(booking_page, 1), first_name="Leo"))
    assert response.status_code == 303
    assert VisitRequest.objects.count() == 2


def test_after_cancelling_the_same_browser_may_book_again(client, booking_page, care_area):
    client.post("/book/", form_data(first_free(booking_page)))
    services.visit_request_cancel(visit_request=VisitRequest.objects.get())
    client.post("/book/", another_form(first_free(booking_page, 1)))
    assert VisitRequest.objects.filter(status="new").count() == 1
    assert VisitRequest.objects.count() == 2


def test_once_the_confirmation_minutes_are_up_the_contact_limit_is_the_last_line(
    client, booking_page, care_area, settings
):
    settings.BOOKING_MAX_ACTIVE_PER_CONTACT = 1
    client.post("/book/", form_data(first_free(booking_page)))
    later = time.time() + 11 * 60
    with mock.patch.object(view_helpers.time, "time", return_value=later):
        response = client.post("/book/", another_form(first_free(booking_page, 1)))
    assert response.status_code == 200
    assert "You already have 1 visit booked or requested with us" in response.content.decode()
    assert VisitRequest.objects.count() == 1


def test_a_double_click_from_a_new_session_shows_the_booking_to_the_same_patient(
    client, booking_page, care_area
):
    data = form_data(first_free(booking_page))
    client.post("/book/", data)
    # The second click's answer may arrive with a session the first never wrote to.
    response = Client().post("/book/", data, follow=True)
    html = response.content.decode()
    assert "Your visit is booked" in html
    assert "not booked a second one" in html


def test_the_booking_page_reminds_the_browser_that_booked_of_its_booking(client, booking_page, care_area):
    slot = booking_page.free_slots()[0]
    client.post("/book/", form_data(slot_value(slot.start)))
    html = client.get("/book/").content.decode()
    assert f"You booked a visit for <strong>{visit_time(slot.start)}</strong> a few minutes ago." in html
    assert 'href="/book/thanks/">See it or choose another time</a>' in html
    assert "You booked a visit" not in Client().get("/book/").content.decode()


def test_the_time_radios_are_not_restored_by_the_browser_on_back(client, booking_page, care_area):
    html = client.get("/book/").content.decode()
    radios = re.findall(r'<input type="radio" name="slot"[^>]*>', html)
    assert len(radios) > 1
    assert [r for r in radios if 'autocomplete="off"' not in r] == []


def test_enter_in_a_field_sends_the_form_rather_than_showing_a_day(client, booking_page, care_area):
    html = client.get("/book/").content.decode()
    form = html.split("data-booking-form>")[1]
    first_button = form[form.index("<button") :].split(">")[0]
    assert 'type="submit"' in first_button
    assert "name=" not in first_button


# Issue 14: one message per case.


def test_the_rate_limit_page_says_only_that_new_requests_are_paused(
    client, booking_page, care_area, settings
):
    settings.BOOKING_RATE_LIMIT = "1/d"
    client.post("/book/", form_data(first_free(booking_page), first_name="Ann"))
    # Sent at once, from a form with a forged start: its own checks would complain too.
    response = client.post(
        "/book/", form_data(first_free(booking_page, 1), first_name="Dana", started="forged", email="nope")
    )
    html = response.content.decode()
    summary = html.split('id="error-summary-title"')[1].split("</div>")[0]
    assert response.status_code == 429
    assert "paused new ones from this connection" in summary
    assert 'href="tel:+19545195404"' in summary
    assert "quicker than we expected" not in html
    assert "Enter an email address" not in html
    assert summary.count("<li>") == 1
    assert 'value="Dana"' in html


# Issue 14, item 11.


def test_the_confirmation_title_says_what_its_heading_says(client, booking_page, care_area):
    client.post("/book/", form_data(first_free(booking_page)))
    html = client.get("/book/thanks/").content.decode()
    assert "<title>Your visit is booked" in html
    assert "<h1>Your visit is booked</h1>" in html
    other = Client()
    other.post(
        "/book/", form_data("none", preferred_times="Mornings", email="z@example.com", first_name="Zed")
    )
    html = other.get("/book/thanks/").content.decode()
    assert "<title>We have your request" in html
    assert "<h1>We have your request</h1>" in html


def test_a_long_note_is_not_cut_by_the_browser_and_is_refused_with_its_length(
    client, booking_page, care_area
):
    html = client.get("/book/").content.decode()
    note = html.split('name="note"')[1].split(">")[0]
    assert "maxlength" not in note
    assert 'data-count="500"' in note
    assert "Up to 500 characters." in html
    response = client.post("/book/", form_data(first_free(booking_page), note="n" * 510))
    assert "Please keep this to 500 characters or fewer (it has 510)." in response.content.decode()
    assert "n" * 510 + "</textarea>" in response.content.decode()
    assert not VisitRequest.objects.exists()


@pytest.mark.parametrize("typed", ["954-CALL-NOW", "(954) 555-0123 ext. 12"])
def test_a_phone_number_with_letters_is_refused_rather_than_changed(client, booking_page, care_area, typed):
    response = client.post("/book/", form_data(first_free(booking_page), phone=typed))
    html = response.content.decode()
    assert "Please type your phone number in digits, for example (954) 555-0123, without letters." in html
    assert f'value="{typed}"' in html
    assert not VisitRequest.objects.exists()
