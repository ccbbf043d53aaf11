"""The patient hears when staff confirm, cancel or move their visit: once, through the same
queue as every email, with the time in the clinic's zone and no health data in the subject."""

import re
from datetime import timedelta

import icalendar
import pytest
from bs4 import BeautifulSoup

from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone

from wagtail.models import ModelLogEntry

from booking import errors, services
from booking.admin.columns import notification_summary
from booking.emails import manage_url
from booking.formatting import visit_time, visit_time_short
from booking.models import Notification, VisitRequest
from booking.slots import slot_value
from booking.tasks import retry_due_notifications
from booking.tokens import LinkProblem, read_manage_token
from tests.booking.conftest import form_data

PRIVATE = ["hip", "pain", "left knee", "marathon"]


@pytest.fixture
def visit(client, booking_page, care_area, django_capture_on_commit_callbacks):
    """A booked visit whose confirmation went out; the outbox starts empty."""
    data = form_data(slot_value(booking_page.free_slots()[0].start), note="Sharp pain in my left knee")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/book/", data).status_code == 303
    mail.outbox.clear()
    return VisitRequest.objects.get()


@pytest.fixture
def update(django_capture_on_commit_callbacks):
    """Staff save a change; its emails are sent as they would be after the commit."""

    def save(visit, **changes):
        changes.setdefault("status", VisitRequest.objects.get(pk=visit.pk).status)
        with django_capture_on_commit_callbacks(execute=True):
            return services.visit_request_update(visit_request=visit, **changes)

    return save


def patient_emails():
    return [m for m in mail.outbox if m.to == ["maria@example.com"]]


def opens_the_visit(text: str, visit) -> bool:
    """The text carries a working manage link for `visit`. (The token holds the second it was
    signed, so it is not compared with a link made again later.)"""
    links = re.findall(r"http://testserver/book/manage/([\w-]+)/", text)
    try:
        return bool(links) and all(read_manage_token(token) == visit for token in links)
    except LinkProblem:
        return False


def calendar_event(message):
    content = next(body for name, body, _ in message.attachments if name.endswith(".ics"))
    calendar = icalendar.Calendar.from_ical(content)
    return calendar, next(iter(calendar.walk("VEVENT")))


def test_confirming_emails_the_patient_the_time_the_phone_and_the_manage_link(visit, update):
    update(visit, status="confirmed")
    [message] = patient_emails()
    when = visit_time_short(visit.slot_start)
    assert message.subject == f"Your Free Discovery Visit with Test Clinic is confirmed – {when}"
    assert visit_time(visit.slot_start) in message.body
    assert visit_time(visit.slot_start).endswith(" ET")
    assert "(954) 519-5404" in message.body
    assert opens_the_visit(message.body, visit)
    assert opens_the_visit(message.alternatives[0][0], visit)


def test_confirming_tells_staff_nothing_and_shows_in_the_emails_history(visit, update):
    update(visit, status="confirmed")
    assert [m.to for m in mail.outbox] == [["maria@example.com"]]
    assert "Visit confirmed: Sent" in notification_summary(visit)


def test_the_confirmation_carries_the_visits_calendar_file_unchanged(visit, update):
    update(visit, status="confirmed")
    calendar, event = calendar_event(patient_emails()[0])
    assert str(calendar["method"]) == "PUBLISH"
    assert str(event["uid"]) == f"{visit.public_id}@discovery-visit"
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == visit.slot_start


@pytest.mark.parametrize("status", ["confirmed", "cancelled"])
def test_no_subject_of_a_staff_change_carries_health_details_or_notes(visit, update, status):
    update(visit, status=status, staff_notes="Marathon on Sunday, hip pain")
    [message] = patient_emails()
    for private in PRIVATE:
        assert private not in message.subject.lower()


def test_saving_a_confirmed_request_again_sends_nothing_more(visit, update):
    update(visit, status="confirmed")
    update(visit, status="confirmed", staff_notes="Called again.")
    assert len(patient_emails()) == 1


def test_confirming_again_after_contacted_does_not_repeat_the_confirmation(visit, update):
    update(visit, status="confirmed")
    update(visit, status="contacted")
    update(visit, status="confirmed")
    assert len(patient_emails()) == 1
    assert visit.notifications.filter(kind="confirmed").count() == 1


@pytest.mark.parametrize("status", ["new", "contacted"])
def test_notes_only_or_contacted_sends_nothing(visit, update, status):
    update(visit, status=status, staff_notes="Left a voicemail.")
    assert mail.outbox == []
    assert not visit.notifications.exclude(kind__in=["confirmation", "staff_new"]).exists()


def test_marking_a_visit_attended_or_no_show_sends_nothing(visit, update):
    update(visit, status="attended")
    update(visit, status="no_show")
    assert mail.outbox == []


def test_staff_cancelling_frees_the_time_and_tells_the_patient_so(visit, update, booking_page):
    update(visit, status="cancelled")
    assert visit.slot_start in {s.start for s in booking_page.free_slots()}
    [message] = patient_emails()
    assert message.subject == "Your Free Discovery Visit with Test Clinic is cancelled"
    assert "We have cancelled your Free Discovery Visit with Test Clinic" in message.body
    assert visit_time(visit.slot_start) in message.body
    assert "(954) 519-5404" in message.body
    assert "http://testserver/book/" in message.body  # book again
    assert "/book/manage/" not in message.body  # the link no longer opens a cancelled visit


def test_the_cancellation_carries_a_calendar_cancel_of_the_same_event(visit, update):
    update(visit, status="cancelled")
    calendar, event = calendar_event(patient_emails()[0])
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"{visit.public_id}@discovery-visit"
    assert int(event["sequence"]) == 1


def test_saving_a_cancelled_request_again_sends_nothing_more(visit, update):
    update(visit, status="cancelled")
    update(visit, status="cancelled", staff_notes="Patient moved away.")
    update(visit, status="contacted")
    update(visit, status="cancelled")
    assert len(patient_emails()) == 1


def test_a_patient_who_cancelled_hears_nothing_more_when_staff_file_it(visit, update):
    services.visit_request_cancel(visit_request=visit)
    mail.outbox.clear()
    update(visit, status="cancelled", staff_notes="Cancelled online.")
    assert patient_emails() == []


def test_reopening_a_cancelled_visit_as_confirmed_tells_the_patient_it_is_on_again(visit, update):
    update(visit, status="confirmed")
    update(visit, status="cancelled")
    update(visit, status="confirmed")
    kinds = list(visit.notifications.filter(kind__in=["confirmed", "clinic_cancelled"]).values_list("kind"))
    assert kinds == [("confirmed",), ("clinic_cancelled",), ("confirmed",)]
    _, event = calendar_event(patient_emails()[-1])
    assert int(event["sequence"]) == 2  # above the cancellation's, so calendars bring it back


def test_staff_moving_raises_the_sequence_and_link_version_as_the_patients_move_does(
    visit, update, booking_page
):
    new_start = booking_page.free_slots()[3].start
    old_link = manage_url(visit)
    update(visit, slot_start=new_start)
    visit.refresh_from_db()
    assert visit.slot_start == new_start
    assert visit.calendar_sequence == 1
    assert visit.link_version == 1
    assert not opens_the_visit(old_link, visit)  # replaced: the email with the new time has the new one
    assert opens_the_visit(manage_url(visit), visit)


def test_staff_moving_emails_the_new_time_with_the_updated_calendar_file_once(visit, update, booking_page):
    new_start = booking_page.free_slots()[3].start
    update(visit, slot_start=new_start)
    update(visit, slot_start=new_start, staff_notes="Moved by phone.")
    [message] = patient_emails()
    assert message.subject == (
        f"Your Free Discovery Visit with Test Clinic has a new time – {visit_time_short(new_start)}"
    )
    assert visit_time(new_start) in message.body
    visit.refresh_from_db()
    assert opens_the_visit(message.body, visit)
    _, event = calendar_event(message)
    assert str(event["uid"]) == f"{visit.public_id}@discovery-visit"
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == new_start


def test_staff_moving_frees_the_old_time_and_holds_the_new_one(visit, update, booking_page):
    old_start, new_start = visit.slot_start, booking_page.free_slots()[3].start
    update(visit, slot_start=new_start)
    free = {s.start for s in booking_page.free_slots()}
    assert old_start in free
    assert new_start not in free


def test_staff_moving_tells_staff_nothing(visit, update, booking_page):
    update(visit, slot_start=booking_page.free_slots()[3].start)
    assert [m.to for m in mail.outbox] == [["maria@example.com"]]


def test_moving_and_confirming_in_one_save_sends_one_email(visit, update, booking_page):
    update(visit, status="confirmed", slot_start=booking_page.free_slots()[3].start)
    assert len(patient_emails()) == 1
    assert patient_emails()[0].subject.startswith("Your Free Discovery Visit with Test Clinic has a new time")


def test_moving_to_a_taken_time_keeps_the_visit_and_sends_nothing(
    visit, update, booking_page, client, django_capture_on_commit_callbacks
):
    taken = booking_page.free_slots()[3].start
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/", form_data(slot_value(taken), first_name="Olga", email="other@example.com"))
    mail.outbox.clear()
    with pytest.raises(errors.SlotTaken):
        update(visit, status="confirmed", slot_start=taken)
    visit.refresh_from_db()
    assert visit.status == "new"
    assert visit.calendar_sequence == 0
    assert mail.outbox == []


def test_a_cancelled_visit_cannot_be_moved(visit, update, booking_page):
    with pytest.raises(errors.RequestClosed):
        update(visit, status="cancelled", slot_start=booking_page.free_slots()[3].start)


def test_confirming_a_visit_that_has_passed_sends_nothing(visit, update):
    VisitRequest.objects.filter(pk=visit.pk).update(slot_start=timezone.now() - timedelta(hours=1))
    update(visit, status="confirmed")
    assert mail.outbox == []


def test_a_staff_change_email_that_fails_is_retried_and_not_lost(visit, update, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    update(visit, status="confirmed")
    notification = visit.notifications.get(kind="confirmed")
    assert notification.status == Notification.Status.RETRYING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_due_notifications(now=timezone.now() + timedelta(minutes=2)) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(patient_emails()) == 1


def test_a_confirmation_that_failed_for_good_is_sent_when_staff_confirm_again(visit, update):
    update(visit, status="confirmed")
    visit.notifications.filter(kind="confirmed").update(status=Notification.Status.FAILED)
    update(visit, status="contacted")
    update(visit, status="confirmed")
    assert len(patient_emails()) == 2


def test_no_email_leaves_before_the_change_commits(visit, booking_page):
    services.visit_request_update(visit_request=visit, status="confirmed")
    assert mail.outbox == []
    assert visit.notifications.get(kind="confirmed").status == Notification.Status.QUEUED


# Through the inbox's edit form, as the front desk uses it.

INBOX = "/admin/visit-requests/"


def edit_url(visit):
    return f"{INBOX}edit/{visit.pk}/"


@pytest.fixture
def desk(client, front_desk):
    client.force_login(front_desk)
    return client


def test_the_edit_form_opens_and_says_when_the_patient_is_emailed(desk, visit):
    response = desk.get(edit_url(visit))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The patient is emailed when you confirm, cancel or move the visit." in html
    assert visit_time(visit.slot_start) in html
    assert "Confirmation: Sent" in html


def move_picker(html) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser").find(attrs={"data-move-picker": True})


def test_the_edit_form_moves_a_visit_day_first_not_from_a_select_of_every_time(desk, visit, booking_page):
    picker = move_picker(desk.get(edit_url(visit)).content)
    assert picker.find("select") is None
    days = picker.select(".move-picker__days a")
    free_days = {slot.start.date() for slot in booking_page.free_slots()}
    assert 1 < len(days) <= 8
    assert days[0]["href"] == f"?day={min(free_days):%Y-%m-%d}#move-picker"
    radios = picker.find_all("input", attrs={"type": "radio", "name": "new_time"})
    assert radios[0]["value"] == ""
    assert radios[0].has_attr("checked")
    assert "Keep the current time: " + visit_time(visit.slot_start) in picker.get_text(" ", strip=True)
    # Only the open day's times, each reading with its day once chosen.
    assert 1 < len(radios) <= 30
    assert slot_value(visit.slot_start) not in [radio["value"] for radio in radios]
    assert all(radio["data-label"].endswith(" ET") for radio in radios[1:])


def test_a_day_link_opens_that_days_times_without_javascript(desk, visit, booking_page):
    later = max(slot.start for slot in booking_page.free_slots())
    picker = move_picker(desk.get(edit_url(visit), {"day": f"{later:%Y-%m-%d}"}).content)
    values = [radio["value"] for radio in picker.find_all("input", attrs={"name": "new_time"})]
    assert slot_value(later) in values
    assert picker.select_one('a[aria-current="true"]')["data-day"] == f"{later:%Y-%m-%d}"
    assert picker.select_one(".move-picker__pages a")  # earlier dates: the later day is on a later page


def test_the_times_fragment_gives_one_days_times_for_the_picker(desk, visit, booking_page):
    day = booking_page.free_slots()[-1].start.date()
    response = desk.get(f"{INBOX}move-times/{visit.pk}/", {"day": f"{day:%Y-%m-%d}"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.fieldset["data-day"] == f"{day:%Y-%m-%d}"
    assert {radio["name"] for radio in soup.find_all("input")} == {"new_time"}


def test_the_times_fragment_answers_404_for_a_day_without_free_times(desk, visit):
    response = desk.get(f"{INBOX}move-times/{visit.pk}/", {"day": "2001-01-01"})
    assert response.status_code == 404


@pytest.mark.parametrize("user", ["editor", "moderator"])
def test_the_times_fragment_is_for_staff_who_may_change_requests(client, request, user, visit, booking_page):
    client.force_login(request.getfixturevalue(user))
    day = booking_page.free_slots()[-1].start.date()
    response = client.get(f"{INBOX}move-times/{visit.pk}/", {"day": f"{day:%Y-%m-%d}"})
    assert response.status_code in (302, 403)


def test_a_refused_move_comes_back_with_the_picker_on_the_chosen_day(desk, visit, booking_page):
    # A day with other free times (the horizon's last day may have only the one, at some hours).
    free = booking_page.free_slots()
    taken = free[len(free) // 2].start
    assert sum(slot.start.date() == taken.date() for slot in free) > 1
    desk.post("/book/", form_data(slot_value(taken), first_name="Zed", email="other@example.com"))
    data = {"status": "new", "new_time": slot_value(taken), "staff_notes": "x"}
    response = desk.post(edit_url(visit), data)
    assert response.status_code == 200
    picker = move_picker(response.content)
    assert picker.select_one('a[aria-current="true"]')["data-day"] == f"{taken:%Y-%m-%d}"


def test_confirming_in_the_edit_form_emails_the_patient_and_says_so(
    desk, visit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            edit_url(visit), {"status": "confirmed", "new_time": "", "staff_notes": "Called."}, follow=True
        )
    assert "The patient will get the “Visit confirmed” email." in response.content.decode()
    [message] = patient_emails()
    assert "is confirmed" in message.subject


def test_saving_the_edit_form_twice_emails_the_patient_once(desk, visit, django_capture_on_commit_callbacks):
    for notes in ["Called.", "Called. Bringing shoes."]:
        with django_capture_on_commit_callbacks(execute=True):
            desk.post(edit_url(visit), {"status": "confirmed", "new_time": "", "staff_notes": notes})
    assert len(patient_emails()) == 1
    visit.refresh_from_db()
    assert visit.staff_notes == "Called. Bringing shoes."


def test_changing_only_the_notes_in_the_edit_form_emails_nobody(
    desk, visit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(edit_url(visit), {"status": "new", "new_time": "", "staff_notes": "Voicemail."})
    assert response.status_code == 302
    assert mail.outbox == []


def test_moving_in_the_edit_form_emails_the_new_time_and_logs_the_move(
    desk, visit, booking_page, django_capture_on_commit_callbacks
):
    new_start = booking_page.free_slots()[3].start
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            edit_url(visit), {"status": "new", "new_time": slot_value(new_start), "staff_notes": ""}
        )
    assert response.status_code == 302
    [message] = patient_emails()
    assert visit_time(new_start) in message.body
    entry = ModelLogEntry.objects.get(action="booking.visit_request.status_changed")
    assert entry.data["moved"] is True
    assert entry.data["emailed"] == ["clinic_moved"]


def test_a_time_taken_since_the_form_opened_is_refused_with_the_visit_kept(desk, visit, booking_page):
    taken = booking_page.free_slots()[3].start
    desk.post("/book/", form_data(slot_value(taken), first_name="Olga", email="other@example.com"))
    data = {"status": "confirmed", "new_time": slot_value(taken), "staff_notes": ""}
    response = desk.post(edit_url(visit), data)
    assert response.status_code == 200
    assert "That time is no longer free. Please choose another." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "new"


def test_cancelling_and_moving_in_one_save_is_refused(desk, visit, booking_page):
    new_time = slot_value(booking_page.free_slots()[3].start)
    response = desk.post(edit_url(visit), {"status": "cancelled", "new_time": new_time, "staff_notes": ""})
    assert response.status_code == 200
    assert "Only a new, contacted or confirmed visit can move." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "new"


def test_a_cancelled_request_offers_no_time_to_move_to(desk, visit, update):
    update(visit, status="cancelled")
    html = desk.get(edit_url(visit)).content
    assert move_picker(html) is None
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": "new_time"})
    assert select.has_attr("disabled")
    assert len(select.find_all("option")) == 1


def test_a_move_answers_with_a_redirect_so_a_reload_moves_nothing_again(
    desk, visit, booking_page, django_capture_on_commit_callbacks
):
    new_start = booking_page.free_slots()[3].start
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(edit_url(visit), {"status": "new", "new_time": slot_value(new_start)})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        desk.get(response["Location"])  # what a reload of the page after saving repeats
    assert len(patient_emails()) == 1


@pytest.mark.parametrize("user", ["editor", "moderator"])
def test_staff_without_the_booking_permission_cannot_open_or_post_the_edit_form(client, request, user, visit):
    client.force_login(request.getfixturevalue(user))
    assert client.get(edit_url(visit)).status_code in (302, 403)
    assert client.get(f"{INBOX}edit/999999/").status_code in (302, 403)  # no hint whether it exists
    client.post(edit_url(visit), {"status": "confirmed", "new_time": "", "staff_notes": "x"})
    visit.refresh_from_db()
    assert visit.status == "new"
    assert mail.outbox == []


def test_viewing_without_changing_cannot_open_the_edit_form(client, visit, django_user_model):
    user = django_user_model.objects.create_user(username="viewer", password="pw-viewer")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_visitrequest")
    )
    client.force_login(user)
    assert client.get(f"{INBOX}inspect/{visit.pk}/").status_code == 200
    assert client.get(edit_url(visit)).status_code in (302, 403)
