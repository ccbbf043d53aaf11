"""The waitlist as a patient goes through it without JavaScript: join from the booking page, the
confirmation email and its link to leave, an offer's email, its page and the claim, and the
"just taken" page for the one who came second."""

import time
from datetime import timedelta

import pytest

from django.core import mail, signing
from django.utils import timezone

from booking.forms import STARTED_SALT
from booking.models import BookingSettings, VisitRequest
from booking.waitlist.models import WaitlistEntry, WaitlistOffer
from booking.waitlist.services import offer_claim
from clinic.demo import ensure_translation
from tests.booking.conftest import form_data

from .conftest import join, links_in, path_of, set_policy

pytestmark = pytest.mark.django_db


def join_data(**overrides) -> dict:
    data = form_data("none")
    for name in ("slot", "preferred_times", "race_date", "note"):
        data.pop(name)
    until = (timezone.localdate() + timedelta(days=14)).isoformat()
    data.update({"weekdays": ["0", "1", "2", "3", "4"], "parts": ["morning", "afternoon"], "until": until})
    data.update(overrides)
    return data


def cancel_first(page, capture):
    from booking import services  # noqa: PLC0415

    with capture(execute=True):
        services.visit_request_cancel(visit_request=page.booked[0])


def test_the_booking_page_links_to_the_waitlist(client, booking_page, care_area):
    html = client.get("/book/").content.decode()
    assert 'href="/book/waitlist/"' in html
    assert "None of these times suit me" in html


def test_joining_the_waitlist_confirms_by_email_with_a_link_to_leave(
    client, small_page, target_day, care_area, django_capture_on_commit_callbacks
):
    assert client.get("/book/waitlist/").status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/waitlist/", join_data(until=target_day.isoformat()))
    assert response.status_code == 303
    assert response["Location"] == "/book/waitlist/joined/"
    entry = WaitlistEntry.objects.get()
    assert (entry.first_name, entry.email, entry.phone) == ("Maria", "maria@example.com", "+19545550123")
    assert entry.weekday_list == [0, 1, 2, 3, 4]
    assert entry.part_list == ["morning", "afternoon"]
    joined = client.get("/book/waitlist/joined/").content.decode()
    assert "You are on the waitlist" in joined
    [email] = mail.outbox
    assert email.to == ["maria@example.com"]
    assert "Maria" not in email.subject
    assert "Monday, Tuesday, Wednesday, Thursday or Friday" in email.body
    [leave] = links_in(email, "waitlist/leave")
    assert "maria" not in leave.lower()
    assert "Leave the waitlist?" in client.get(path_of(leave)).content.decode()
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.WAITING  # a GET changes nothing
    left = client.post(path_of(leave))
    assert "You have left the waitlist" in left.content.decode()
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.LEFT


def test_the_join_form_needs_days_parts_and_consent(client, booking_page, care_area):
    response = client.post("/book/waitlist/", join_data(weekdays=[], parts=[], consent=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one day." in html
    assert "Choose at least one part of the day." in html
    assert "Please agree that we may contact you" in html
    assert not WaitlistEntry.objects.exists()


def test_the_join_form_refuses_a_bot_filling_the_honeypot(client, booking_page, care_area):
    response = client.post("/book/waitlist/", join_data(website="http://spam.example"))
    assert "If you are a person, please call us instead." in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_the_join_form_refuses_a_form_sent_too_fast(client, booking_page, care_area, settings):
    settings.BOOKING_MIN_FILL_SECONDS = 3
    started = signing.dumps(time.time(), salt=STARTED_SALT)
    response = client.post("/book/waitlist/", join_data(started=started))
    assert "quicker than we expected" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_the_join_form_keeps_to_the_per_contact_limit(client, booking_page, care_area, settings):
    settings.BOOKING_MAX_ACTIVE_PER_CONTACT = 1
    assert client.post("/book/waitlist/", join_data()).status_code == 303
    response = client.post("/book/waitlist/", join_data())
    assert "You already have 1 visit booked or requested" in response.content.decode()
    assert WaitlistEntry.objects.count() == 1


def test_the_join_form_sent_twice_makes_one_entry(client, booking_page, care_area):
    data = join_data()
    client.post("/book/waitlist/", data)
    assert client.post("/book/waitlist/", data).status_code == 303
    assert WaitlistEntry.objects.count() == 1


def test_the_join_form_is_rate_limited_like_the_booking_form(client, booking_page, care_area, settings):
    settings.BOOKING_RATE_LIMIT = "1/h"
    client.post("/book/waitlist/", join_data())
    response = client.post("/book/waitlist/", join_data(email="other@example.com"))
    assert response.status_code == 429
    assert "paused new ones from this connection" in response.content.decode()


def test_a_patient_claims_an_offer_from_the_emailed_link(
    client, small_page, django_capture_on_commit_callbacks
):
    join(small_page, 1)
    mail.outbox.clear()
    cancel_first(small_page, django_capture_on_commit_callbacks)
    [offer_email] = [m for m in mail.outbox if m.to == ["pat1@example.com"]]
    assert "We are holding it for you until" in offer_email.body
    [claim] = links_in(offer_email, "waitlist/offer")
    page = client.get(path_of(claim))
    assert page.status_code == 200
    assert "Claim this time" in page.content.decode()
    assert not VisitRequest.objects.filter(email="pat1@example.com").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path_of(claim))
    assert response.status_code == 303
    assert response["Location"] == "/book/thanks/"
    visit = VisitRequest.objects.get(email="pat1@example.com")
    assert visit.slot_start == small_page.booked[0].slot_start
    assert "pat1@example.com" in [m.to[0] for m in mail.outbox if "Your Free Discovery Visit" in m.subject]
    assert client.get("/book/thanks/").status_code == 200


def test_the_second_claimant_sees_the_time_was_just_taken(
    client, small_page, django_capture_on_commit_callbacks
):
    set_policy(small_page, BookingSettings.WaitlistPolicy.EVERYONE_AT_ONCE)
    join(small_page, 1), join(small_page, 2)
    mail.outbox.clear()
    cancel_first(small_page, django_capture_on_commit_callbacks)
    [second_link] = links_in(next(m for m in mail.outbox if m.to == ["pat2@example.com"]), "waitlist/offer")
    offer_claim(offer=WaitlistOffer.objects.get(entry__email="pat1@example.com"))
    response = client.post(path_of(second_link))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Sorry, this time was just taken" in html
    assert "You are still on the waitlist: we will email you the next time that suits you." in html


def test_a_tampered_offer_link_is_refused(client, booking_page):
    response = client.get("/book/waitlist/offer/bm90LWEtdG9rZW4/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_a_booked_patient_asks_for_an_earlier_time_from_the_manage_page(
    client, small_page, target_day, django_capture_on_commit_callbacks
):
    from booking.emails import manage_url  # noqa: PLC0415

    later = small_page.booked[1]
    client.get(path_of(manage_url(later)))
    manage = client.get("/book/manage/").content.decode()
    assert 'href="/book/manage/earlier/"' in manage
    assert client.get("/book/manage/earlier/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/book/manage/earlier/",
            {"weekdays": ["0", "1", "2", "3", "4"], "parts": ["morning"], "until": target_day.isoformat()},
        )
    assert "You are on the waitlist for a time earlier than" in response.content.decode()
    entry = WaitlistEntry.objects.get()
    assert entry.visit_request == later
    mail.outbox.clear()
    cancel_first(small_page, django_capture_on_commit_callbacks)
    [offer_email] = [m for m in mail.outbox if m.to == [later.email]]
    assert "Claiming it moves your visit from" in offer_email.body
    [claim] = links_in(offer_email, "waitlist/offer")
    response = client.post(path_of(claim))
    assert response["Location"] == "/book/manage/moved/"
    later.refresh_from_db()
    assert later.slot_start == small_page.booked[0].slot_start


def test_a_spanish_speaker_joins_at_the_spanish_booking_page_and_hears_in_spanish(
    client, booking_page, care_area, django_capture_on_commit_callbacks
):
    ensure_translation(booking_page.get_parent().specific, log=print, title="Inicio", slug="inicio")
    spanish = ensure_translation(booking_page, log=print, slug="reservar")
    url = type(spanish).objects.get(pk=spanish.pk).url + "waitlist/"
    assert url == "/es/reservar/waitlist/"
    form = client.get(url).content.decode()
    assert "Apuntarme a la lista de espera" in form
    assert "¿Qué días le convienen?" in form
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, join_data())
    assert response["Location"] == "/es/reservar/waitlist/joined/"
    assert WaitlistEntry.objects.get().language == "es"
    # Free times suit her already: the confirmation, then an offer, both in Spanish.
    email, offer = mail.outbox
    assert email.subject.startswith("Está en la lista de espera para una Visita de Evaluación Gratuita")
    assert offer.subject.startswith("Se ha liberado un horario en Test Clinic – ")
    assert "/es/reservar/waitlist/offer/" in offer.body
    assert "lunes, martes, miércoles, jueves o viernes" in email.body
    assert "/es/reservar/waitlist/leave/" in email.body
