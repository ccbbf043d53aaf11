"""The manage link: signed, unguessable, and only ever the patient's own booking."""

import base64
import re
import time
from datetime import timedelta

import icalendar
import pytest

from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from booking import errors, services, tokens
from booking.emails import manage_url
from booking.formatting import visit_time
from booking.models import SlotSeat, VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import day_button, form_data


@pytest.fixture
def visit(client, booking_page, care_area):
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    return VisitRequest.objects.get()


def path_of(visit):
    return manage_url(visit).replace("http://localhost", "")


def test_manage_link_shows_the_booking(client, visit):
    response = client.get(path_of(visit), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maria Garcia" in html
    assert "Cancel my visit" in html
    assert 'name="slot"' in html


def test_manage_link_carries_no_patient_data(visit):
    url = manage_url(visit)
    for private in ["maria", "garcia", "954", str(visit.public_id), str(visit.pk) + "/"]:
        assert private not in url.lower().split("/manage/")[1]


def test_patient_cancels_and_the_slot_is_free_again(
    client, visit, booking_page, django_capture_on_commit_callbacks
):
    slot = visit.slot_start
    client.get(path_of(visit))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/manage/cancel/", follow=True)
    assert "Your visit is cancelled" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "cancelled"
    assert not SlotSeat.objects.exists()
    assert slot in {s.start for s in booking_page.free_slots()}
    assert {m.to[0] for m in mail.outbox} == {"maria@example.com", "front-desk@example.com"}
    again = client.post("/book/", form_data(slot_value(slot), email="next@example.com"))
    assert again.status_code == 303


def test_used_up_link_after_cancelling_gets_a_friendly_page(client, visit):
    client.get(path_of(visit))
    client.post("/book/manage/cancel/")
    response = client.get(path_of(visit))
    assert response.status_code == 410
    assert "This visit was cancelled." in response.content.decode()


def test_patient_moves_the_visit_to_another_free_slot(client, visit, booking_page):
    new = booking_page.free_slots()[3].start
    response = client.post(path_of(visit), {"action": "move", "slot": slot_value(new)}, follow=True)
    assert "Your visit has a new time" in response.content.decode()
    visit.refresh_from_db()
    assert visit.slot_start == new
    assert SlotSeat.objects.get().slot_start == new


def test_moving_to_a_taken_slot_keeps_the_old_time_and_says_so(client, visit, booking_page):
    other = booking_page.free_slots()[2].start
    assert (
        client.post(
            "/book/", form_data(slot_value(other), first_name="Bea", email="b@example.com")
        ).status_code
        == 303
    )
    old = visit.slot_start
    response = client.post(path_of(visit), {"action": "move", "slot": slot_value(other)})
    assert "just taken" in response.content.decode()
    visit.refresh_from_db()
    assert visit.slot_start == old
    assert SlotSeat.objects.filter(visit_request=visit, slot_start=old).exists()


@pytest.mark.parametrize(
    "token",
    ["nonsense", "a" * 200, "eyJ0IjoxfQ", "A", "----"],
)
def test_tampered_tokens_get_a_friendly_page_not_an_error(client, visit, token):
    response = client.get(f"/book/manage/{token}/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_a_token_signed_for_another_purpose_or_altered_is_refused(client, visit, booking_page):
    token = tokens.make_manage_token(visit)
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"/book/manage/{altered}/").status_code == 410
    other_salt = (
        base64.urlsafe_b64encode(signing.dumps(visit.public_id.hex, salt="other").encode())
        .decode()
        .rstrip("=")
    )
    assert client.get(f"/book/manage/{other_salt}/").status_code == 410


def test_a_valid_signature_for_an_unknown_request_is_refused(client, visit):
    token = base64.urlsafe_b64encode(signing.dumps("0" * 32, salt=tokens.SALT).encode()).decode().rstrip("=")
    response = client.get(f"/book/manage/{token}/")
    assert response.status_code == 410
    assert "Maria" not in response.content.decode()


def test_link_expires_once_the_visit_has_passed(client, visit):
    VisitRequest.objects.filter(pk=visit.pk).update(slot_start=timezone.now() - timedelta(hours=1))
    response = client.get(path_of(visit))
    assert response.status_code == 410
    assert "already taken place" in response.content.decode()


def test_each_patient_link_opens_only_their_own_booking(client, visit, booking_page):
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[1].start), first_name="Other"))
    other = VisitRequest.objects.exclude(pk=visit.pk).get()
    assert "Other Garcia" in client.get(path_of(other), follow=True).content.decode()
    assert "Other Garcia" not in client.get(path_of(visit), follow=True).content.decode()


def test_manage_calendar_download_is_an_ics(client, visit):
    client.get(path_of(visit))
    response = client.get("/book/manage/calendar/")
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content


def test_two_active_bookings_of_one_slot_are_impossible_even_when_staff_reopen(visit, booking_page):
    services.visit_request_cancel(visit_request=visit, by_patient=False)
    rival = services.visit_request_create(
        page=booking_page,
        patient=services.Patient(first_name="R", last_name="V", email="r@example.com", phone="+19545550100"),
        slot_start=visit.slot_start,
    )
    assert rival.seat
    with pytest.raises(errors.SlotTaken):
        services.visit_request_set_status(visit_request=visit, status="confirmed")
    visit.refresh_from_db()
    assert visit.status == "cancelled"


def test_staff_reopening_a_cancelled_booking_takes_its_seat_back(visit, booking_page):
    services.visit_request_cancel(visit_request=visit, by_patient=False)
    assert visit.slot_start in {s.start for s in booking_page.free_slots()}
    services.visit_request_set_status(visit_request=visit, status="confirmed")
    visit.refresh_from_db()
    assert visit.cancelled_at is None
    assert SlotSeat.objects.filter(visit_request=visit, slot_start=visit.slot_start).exists()
    assert visit.slot_start not in {s.start for s in booking_page.free_slots()}


def test_manage_page_asks_search_engines_not_to_index_it_by_header_and_meta(client, visit):
    response = client.get(path_of(visit), follow=True)
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_manage_calendar_download_asks_search_engines_not_to_index_it(client, visit):
    assert client.get(path_of(visit) + "calendar/")["X-Robots-Tag"] == "noindex"


def test_robots_txt_lets_crawlers_reach_the_manage_page_to_read_its_noindex(client, visit):
    assert "/book/manage/" not in client.get("/robots.txt").content.decode()


def test_moving_the_visit_makes_the_old_link_stop_working(client, visit, booking_page):
    old_link = path_of(visit)
    client.post(old_link, {"action": "move", "slot": slot_value(booking_page.free_slots()[3].start)})
    response = client.get(old_link, follow=True)
    assert response.status_code == 410
    assert "replaced when your visit moved" in response.content.decode()


def test_the_link_sent_after_a_move_opens_the_booking(client, visit, booking_page):
    client.post(path_of(visit), {"action": "move", "slot": slot_value(booking_page.free_slots()[3].start)})
    visit.refresh_from_db()
    response = client.get(path_of(visit), follow=True)
    assert response.status_code == 200


def signed_long_ago(monkeypatch, days: int):
    """Sign tokens as if it were `days` ago."""
    then = int(time.time()) - days * 86400
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(then))


def test_a_link_older_than_the_maximum_age_has_expired(client, visit, monkeypatch, settings):
    settings.BOOKING_MANAGE_LINK_MAX_AGE_DAYS = 30
    signed_long_ago(monkeypatch, 31)
    old_link = path_of(visit)
    monkeypatch.undo()
    response = client.get(old_link, follow=True)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_a_link_within_the_maximum_age_works(client, visit, monkeypatch, settings):
    settings.BOOKING_MANAGE_LINK_MAX_AGE_DAYS = 30
    signed_long_ago(monkeypatch, 29)
    link = path_of(visit)
    monkeypatch.undo()
    assert client.get(link, follow=True).status_code == 200


def test_links_sent_before_link_versions_existed_still_open_the_booking(client, visit):
    legacy = base64.urlsafe_b64encode(signing.dumps(visit.public_id.hex, salt=tokens.SALT).encode())
    response = client.get(f"/book/manage/{legacy.decode().rstrip('=')}/", follow=True)
    assert response.status_code == 200


def test_the_link_moves_the_token_out_of_the_url(client, visit):
    response = client.get(path_of(visit))
    assert response.status_code == 303
    assert response["Location"] == "/book/manage/"


def test_the_manage_page_has_no_token_in_its_links_or_forms(client, visit):
    token = tokens.make_manage_token(visit)
    html = client.get(path_of(visit), follow=True).content.decode()
    assert "Cancel my visit" in html
    assert token not in html


def test_manage_pages_send_no_referrer_to_other_sites(client, visit):
    response = client.get(path_of(visit), follow=True)
    assert response["Referrer-Policy"] == "same-origin"


def test_the_manage_page_without_the_link_in_this_browser_asks_for_the_link(client, visit):
    response = client.get("/book/manage/")
    assert response.status_code == 410
    assert "open the link from your email again" in response.content.decode()


def test_a_form_posted_to_the_old_style_link_still_works(client, visit):
    response = client.post(path_of(visit), {"action": "cancel"}, follow=True)
    assert "Cancel your visit?" in response.content.decode()
    response = client.post("/book/manage/cancel/", follow=True)
    assert "Your visit is cancelled" in response.content.decode()


def test_manage_actions_are_limited_per_visit(client, visit, booking_page, settings):
    settings.BOOKING_MANAGE_RATE_LIMIT = "5/d"
    free = [slot_value(s.start) for s in booking_page.free_slots()[1:8]]
    statuses = []
    for n in range(6):
        # A new browser (and address) each time: the limit is per visit as well.
        other = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")
        visit.refresh_from_db()
        other.get(path_of(visit))
        statuses.append(other.post("/book/manage/", {"action": "move", "slot": free[n]}).status_code)
    assert statuses == [303] * 5 + [429]


def test_manage_actions_are_limited_per_client_address(client, booking_page, care_area, settings):
    settings.BOOKING_MANAGE_RATE_LIMIT = "2/d"
    free = booking_page.free_slots()
    statuses = []
    for n in range(3):
        client.post("/book/", form_data(slot_value(free[n].start), email=f"p{n}@example.com"))
        visit = VisitRequest.objects.get(email=f"p{n}@example.com")
        client.get(path_of(visit))
        statuses.append(client.post("/book/manage/cancel/").status_code)
    assert statuses == [303, 303, 429]


def test_a_throttled_move_keeps_the_visit_and_says_so(client, visit, booking_page, settings):
    settings.BOOKING_MANAGE_RATE_LIMIT = "1/d"
    free = booking_page.free_slots()
    client.get(path_of(visit))
    client.post("/book/manage/", {"action": "move", "slot": slot_value(free[3].start)})
    visit.refresh_from_db()
    moved_to = visit.slot_start
    response = client.post("/book/manage/", {"action": "move", "slot": slot_value(free[5].start)})
    assert "paused online changes" in response.content.decode()
    visit.refresh_from_db()
    assert visit.slot_start == moved_to


def test_thirty_moves_in_a_row_send_at_most_ten_emails(
    client, visit, booking_page, settings, django_capture_on_commit_callbacks
):
    settings.BOOKING_MANAGE_RATE_LIMIT = "5/d"
    free = [slot_value(s.start) for s in booking_page.free_slots()[1:31]]
    client.get(path_of(visit))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for slot in free:
            client.post("/book/manage/", {"action": "move", "slot": slot})
    assert len(mail.outbox) == 10


def test_manage_page_offers_other_times_day_first(client, visit, booking_page):
    days = sorted({s.start.date() for s in booking_page.free_slots()})
    client.get(path_of(visit))
    html = client.get(f"/book/manage/?day={days[1].isoformat()}").content.decode()
    assert day_button(days[1], current=True) in html
    assert f"Times on {days[1]:%A} {days[1].day} {days[1]:%B}</legend>" in html


def test_manage_times_fragment_needs_the_link_opened_in_this_browser(client, visit, booking_page):
    day = booking_page.free_slots()[0].start.date().isoformat()
    client.get(path_of(visit))
    good = client.get(f"/book/manage/times/?day={day}")
    bad = Client().get(f"/book/manage/times/?day={day}")
    assert good.status_code == 200
    assert 'name="slot"' in good.content.decode()
    assert bad.status_code == 410


def test_manage_times_fragment_leaves_out_the_visits_own_time(client, visit, booking_page):
    booking_page.capacity = 2
    booking_page.save()
    own = visit.slot_start.astimezone(timezone.get_default_timezone())
    client.get(path_of(visit))
    html = client.get(f"/book/manage/times/?day={own.date().isoformat()}").content.decode()
    assert f'value="{slot_value(own)}"' not in html


def test_cancelling_asks_first_with_the_visits_time(client, visit):
    manage = client.get(path_of(visit), follow=True).content.decode()
    assert 'href="/book/manage/cancel/"' in manage
    confirm = client.get("/book/manage/cancel/").content.decode()
    assert f"Cancel your Free Discovery Visit on <strong>{visit_time(visit.slot_start)}</strong>?" in confirm
    visit.refresh_from_db()
    assert visit.status == "new"


def test_posting_cancel_to_the_manage_page_asks_first(client, visit):
    client.get(path_of(visit))
    response = client.post("/book/manage/", {"action": "cancel"})
    assert response.status_code == 303
    assert response["Location"] == "/book/manage/cancel/"
    visit.refresh_from_db()
    assert visit.status == "new"


def test_the_cancel_step_needs_the_link_opened_in_this_browser(client, visit):
    client.get(f"/book/manage/{'x' * 40}/")
    response = client.post("/book/manage/cancel/")
    assert response.status_code == 410
    visit.refresh_from_db()
    assert visit.status == "new"


def calendar_event(body: bytes):
    return next(c for c in icalendar.Calendar.from_ical(body).walk() if c.name == "VEVENT")


def test_moving_gives_an_updated_calendar_file_same_uid_higher_sequence(
    client, visit, booking_page, django_capture_on_commit_callbacks
):
    client.get(path_of(visit))
    before = calendar_event(client.get("/book/manage/calendar/").content)
    new_time = slot_value(booking_page.free_slots()[3].start)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/manage/", {"action": "move", "slot": new_time})
    after = calendar_event(client.get("/book/manage/calendar/").content)
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])


def test_the_new_time_email_carries_the_updated_calendar_file(
    client, visit, booking_page, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new_time = slot_value(booking_page.free_slots()[3].start)
        client.post(path_of(visit), {"action": "move", "slot": new_time})
    moved = next(m for m in mail.outbox if m.to == ["maria@example.com"])
    event = calendar_event(next(a[1] for a in moved.attachments if a[0].endswith(".ics")))
    assert int(event["sequence"]) == 1


def test_the_cancellation_email_carries_a_calendar_cancel_of_the_same_event(
    client, visit, django_capture_on_commit_callbacks
):
    client.get(path_of(visit))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/manage/cancel/")
    cancelled = next(m for m in mail.outbox if m.to == ["maria@example.com"])
    content = next(a[1] for a in cancelled.attachments if a[0].endswith(".ics"))
    event = calendar_event(content)
    assert icalendar.Calendar.from_ical(content)["method"] == "CANCEL"
    assert event["status"] == "CANCELLED"
    assert str(event["uid"]) == f"{visit.public_id}@discovery-visit"
    assert int(event["sequence"]) == 1


# Issue 14: every change answers with a redirect, so a reload repeats nothing.


def test_a_move_answers_with_a_redirect_to_the_new_time_page(client, visit, booking_page):
    client.get(path_of(visit))
    new = booking_page.free_slots()[3].start
    response = client.post("/book/manage/", {"action": "move", "slot": slot_value(new)})
    assert response.status_code == 303
    assert response["Location"] == "/book/manage/moved/"
    page = client.get("/book/manage/moved/").content.decode()
    assert "Your visit has a new time" in page
    assert visit_time(new) in page


def test_reloading_the_new_time_page_moves_nothing_and_sends_nothing(
    client, visit, booking_page, django_capture_on_commit_callbacks
):
    client.get(path_of(visit))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/book/manage/", {"action": "move", "slot": slot_value(booking_page.free_slots()[3].start)}
        )
    visit.refresh_from_db()
    emails = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert "Your visit has a new time" in client.get("/book/manage/moved/").content.decode()
    after = VisitRequest.objects.get(pk=visit.pk)
    assert after.link_version == visit.link_version
    assert after.calendar_sequence == visit.calendar_sequence
    assert len(mail.outbox) == emails


def test_the_new_time_page_without_a_move_in_this_browser_goes_to_the_visit(client, visit):
    client.get(path_of(visit))
    response = client.get("/book/manage/moved/")
    assert response.status_code == 303
    assert response["Location"] == "/book/manage/"


def test_a_cancellation_answers_with_a_redirect_that_names_the_visit(
    client, visit, django_capture_on_commit_callbacks
):
    client.get(path_of(visit))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/manage/cancel/")
    assert response.status_code == 303
    assert response["Location"] == "/book/manage/cancelled/"
    emails = len(mail.outbox)
    page = client.get("/book/manage/cancelled/").content.decode()
    assert "<title>Your visit is cancelled" in page
    assert visit_time(visit.slot_start) in page
    assert 'href="/book/"' in page
    client.get("/book/manage/cancelled/")
    assert len(mail.outbox) == emails


def test_the_cancelled_page_in_another_browser_shows_nothing_of_the_visit(client, visit):
    client.get(path_of(visit))
    client.post("/book/manage/cancel/")
    response = Client().get("/book/manage/cancelled/")
    assert response.status_code == 404
    assert "Maria" not in response.content.decode()
    assert visit_time(visit.slot_start) not in response.content.decode()


def test_a_day_button_on_the_manage_page_shows_that_day_and_moves_nothing(client, visit, booking_page):
    client.get(path_of(visit))
    chosen = booking_page.free_slots()[2]
    day = sorted({s.start.date() for s in booking_page.free_slots()})[3]
    response = client.post(
        "/book/manage/", {"action": "move", "slot": slot_value(chosen.start), "day": day.isoformat()}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert day_button(day, current=True) in html
    assert f"Your time: <strong>{visit_time(chosen.start)}</strong>" in html
    after = VisitRequest.objects.get(pk=visit.pk)
    assert after.slot_start == visit.slot_start


def test_the_manage_picker_opens_on_the_visits_own_day(client, booking_page, care_area):
    days = sorted({s.start.date() for s in booking_page.free_slots()})
    on_day_five = next(s for s in booking_page.free_slots() if s.start.date() == days[5])
    client.post("/book/", form_data(slot_value(on_day_five.start)))
    visit = VisitRequest.objects.get()
    client.get(path_of(visit))
    html = client.get("/book/manage/").content.decode()
    assert day_button(days[5], current=True) in html
    assert f"Times on {days[5]:%A} {days[5].day} {days[5]:%B}</legend>" in html


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda token: token[:-6], id="cut short"),
        pytest.param(lambda token: token[:20], id="cut in half"),
        pytest.param(lambda token: "x" + token, id="mangled"),
    ],
)
def test_a_truncated_link_offers_a_fresh_link(client, visit, cut):
    token = path_of(visit).split("/manage/")[1].rstrip("/")
    response = client.get(f"/book/manage/{cut(token)}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert 'href="/book/link/">Email me a fresh link</a>' in html


def test_every_link_problem_page_offers_a_fresh_link(client, visit):
    client.get(path_of(visit))
    client.post("/book/manage/cancel/")
    pages = [
        client.get(path_of(visit)),  # cancelled
        Client().get("/book/manage/"),  # no link in this browser
        Client().get("/book/thanks/"),  # confirmation gone
    ]
    for response in pages:
        assert "Email me a fresh link</a>" in response.content.decode()


def test_the_patients_own_cancellation_email_names_the_visit_and_offers_to_book_again(
    client, visit, django_capture_on_commit_callbacks
):
    client.get(path_of(visit))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/manage/cancel/")
    cancelled = next(m for m in mail.outbox if m.to == ["maria@example.com"])
    html = cancelled.alternatives[0][0]
    assert visit_time(visit.slot_start) in cancelled.body
    assert re.search(r"book again: https?://\S+/book/\n", cancelled.body)
    assert visit_time(visit.slot_start) in html
    assert re.search(r'<a href="https?://\S+/book/">book again</a>', html)
    assert "not what you expected" not in cancelled.body
