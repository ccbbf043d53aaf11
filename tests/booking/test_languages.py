"""Booking in the patient's language: the request keeps the language it was made in, and every
message to the patient follows it, whoever sends it; no English template text in a Spanish email
or calendar file, nor Spanish in an English one; staff see the language; the catalog is complete."""

import csv
import io
import re
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup

from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from booking import formatting
from booking.emails import build_message, manage_url
from booking.languages import current_language, language_name, page_in_language
from booking.models import Notification, VisitRequest
from booking.slots import slot_value
from booking.tasks import send_notification
from clinic.demo import ensure_translation
from tests.booking.conftest import form_data

ROOT = Path(__file__).resolve().parent.parent.parent
CATALOG = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
# What patients read, and so what the Spanish catalog must cover: booking's code and its patient
# templates; staff-only screens (the inbox, calendar sync, opening-hours checks) stay in English.
PATIENT_SOURCES = ["booking", "templates/booking", "templates/emails"]
STAFF_ONLY = [
    "booking/admin/*",
    "booking/calendars/*",
    "booking/management/*",
    "booking/opening_hours.py",
    "templates/booking/admin/*",
    "templates/booking/calendars/*",
]

# Every email a patient can get, with a time and (where it exists) without one.
PATIENT_KINDS = [
    (Notification.Kind.CONFIRMATION, True),
    (Notification.Kind.CONFIRMATION, False),
    (Notification.Kind.REMINDER, True),
    (Notification.Kind.MOVED, True),
    (Notification.Kind.LINK, True),
    (Notification.Kind.LINK, False),
    (Notification.Kind.CANCELLED, True),
    (Notification.Kind.CANCELLED, False),
    (Notification.Kind.CONFIRMED, True),
    (Notification.Kind.CONFIRMED, False),
    (Notification.Kind.CLINIC_MOVED, True),
    (Notification.Kind.CLINIC_CANCELLED, True),
    (Notification.Kind.CLINIC_CANCELLED, False),
]
ENGLISH_DATES = re.compile(
    r"\b(AM|PM|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|January|February|March|April|June|July|August|"
    r"September|October|November|December)\b"
)


@pytest.fixture
def patient(booking_page, care_area):
    """A visit request with a time, made in English; each test sets the language it needs."""
    booking_page.confirmation_text = ""  # page content is the editors' to translate, not ours
    booking_page.save()
    slot = booking_page.free_slots()[0]
    return VisitRequest.objects.create(
        page=booking_page,
        slot_start=slot.start,
        slot_end=slot.end,
        first_name="Maria",
        last_name="Garcia",
        email="maria@example.com",
        phone="+19545550123",
        concern=care_area,
        consented_at=timezone.now(),
        language="en",
    )


def manage_path(visit) -> str:
    return manage_url(visit).replace("http://testserver", "")


@pytest.fixture
def spanish_book(booking_page) -> str:
    """Where a Spanish speaker books: the booking page's Spanish translation, as the demo makes it
    (/es/reservar/). The language comes from the path, so that is where Spanish is asked for."""
    ensure_translation(booking_page.get_parent().specific, log=print, title="Inicio", slug="inicio")
    spanish = ensure_translation(booking_page, log=print, slug="reservar")
    return type(spanish).objects.get(pk=spanish.pk).url  # as published, with its new slug


def rendered(visit, kind, *, language: str, with_time: bool) -> dict[str, str]:
    """Everything of one email the patient reads: subject, text, HTML as read, calendar words."""
    VisitRequest.objects.filter(pk=visit.pk).update(language=language)
    visit.refresh_from_db()
    if not with_time:
        visit.slot_start = visit.slot_end = None
    notification = Notification(visit_request=visit, kind=kind, previous_slot_start=visit.slot_start)
    message = build_message(notification)
    parts = {
        "subject": message.subject,
        "text": message.body,
        "html": BeautifulSoup(message.alternatives[0][0], "html.parser").get_text(" "),
    }
    for filename, content, _mimetype in message.attachments:
        event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
        parts[filename] = f"{event['SUMMARY']}\n{event['DESCRIPTION']}"
    return parts


def template_fragments(parts: dict[str, str], visit) -> set[str]:
    """The template's own words in a rendered email: what is left between the values filled in
    (names, clinic details, times, links), in pieces of two words or more."""
    values = [visit.first_name, visit.last_name, "Test Clinic", "1 Main Street", "Davie, FL 33314", "ET"]
    if visit.slot_start:
        values += [formatting.visit_time(visit.slot_start), formatting.visit_time_short(visit.slot_start)]
    pattern = "|".join(re.escape(value) for value in sorted(values, key=len, reverse=True))
    fragments = set()
    for text in parts.values():
        text = re.sub(r"https?://\S+|\(954\) 519-5404|\+?1?954\S*", "\n", text)
        for piece in re.split(rf"{pattern}|[\n:.,?!–()]", text):
            piece = " ".join(piece.split())
            if len(re.findall(r"[^\W\d_]{2,}", piece)) >= 2:
                fragments.add(piece)
    return fragments


@pytest.mark.parametrize(("kind", "with_time"), PATIENT_KINDS)
def test_a_spanish_email_has_no_english_template_text_and_an_english_one_no_spanish(patient, kind, with_time):
    with translation.override("en"):  # who sends is irrelevant: the patient's language decides
        english = rendered(patient, kind, language="en", with_time=with_time)
    with translation.override("en"):
        spanish = rendered(patient, kind, language="es", with_time=with_time)
    assert set(english) == set(spanish)
    spanish_text = "\n".join(spanish.values())
    english_text = "\n".join(english.values())
    english_fragments = template_fragments(english, patient)
    spanish_fragments = template_fragments(spanish, patient)
    assert len(english_fragments) >= 4  # the comparison has something to compare
    assert len(spanish_fragments) >= 4
    leftover_english = [f for f in english_fragments if f in spanish_text]
    leftover_spanish = [f for f in spanish_fragments if f in english_text]
    assert leftover_english == []
    assert leftover_spanish == []
    assert ENGLISH_DATES.findall(spanish_text) == []


def test_a_spanish_email_reads_the_visit_day_first_in_spanish(patient):
    patient.slot_start = datetime(2026, 12, 14, 16, 0, tzinfo=UTC)  # 11:00 in Davie, a Monday
    patient.save()
    parts = rendered(patient, Notification.Kind.CONFIRMATION, language="es", with_time=True)
    assert "lunes 14 de diciembre de 2026, 11:00 a. m. ET" in parts["text"]
    assert parts["subject"] == (
        "Su Visita de Evaluación Gratuita con Test Clinic – lunes 14 de diciembre, 11:00 a. m. ET"
    )
    assert parts["text"].startswith("Hola, Maria:")


def test_the_spanish_html_email_says_its_language(patient):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    patient.refresh_from_db()
    html = build_message(Notification(visit_request=patient, kind=Notification.Kind.REMINDER)).alternatives[
        0
    ][0]
    assert '<html lang="es">' in html


def test_the_calendar_file_of_a_spanish_patient_is_in_spanish_and_says_so(patient):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    patient.refresh_from_db()
    message = build_message(Notification(visit_request=patient, kind=Notification.Kind.CONFIRMATION))
    event = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Visita de Evaluación Gratuita en Test Clinic"
    assert event["SUMMARY"].params["LANGUAGE"] == "es"
    assert "Cambiar o cancelar: http://testserver/book/manage/" in str(event["DESCRIPTION"])


def test_staff_emails_stay_in_the_sites_language_for_a_spanish_patient(patient):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    patient.refresh_from_db()
    with translation.override("es"):
        message = build_message(Notification(visit_request=patient, kind=Notification.Kind.STAFF_NEW))
    assert message.subject.startswith("New Free Discovery Visit request – ")
    assert "Open the request in the admin" in message.alternatives[0][0]


# The language a request is made in


def test_a_request_made_in_spanish_is_stored_as_spanish_and_confirmed_in_spanish(
    client, booking_page, spanish_book, care_area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(spanish_book, form_data(slot_value(booking_page.free_slots()[0].start)))
    assert response.status_code == 303
    assert VisitRequest.objects.get().language == "es"
    [confirmation] = [m for m in mail.outbox if m.to == ["maria@example.com"]]
    assert confirmation.subject.startswith("Su Visita de Evaluación Gratuita con Test Clinic – ")


def test_a_request_made_in_english_is_stored_as_english(client, booking_page, care_area):
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    assert VisitRequest.objects.get().language == "en"


def test_the_active_language_is_stored_as_one_of_the_sites_languages():
    with translation.override("es-mx"):
        assert current_language() == "es"
    with translation.override("en-us"):
        assert current_language() == "en"
    with translation.override("fr"):
        assert current_language() == "en"


def test_staff_acting_in_the_english_admin_send_a_spanish_patient_spanish_emails(
    client, front_desk, patient, django_capture_on_commit_callbacks
):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    client.force_login(front_desk)
    edit = f"/admin/visit-requests/edit/{patient.pk}/"
    assert "Spanish" in client.get(edit).content.decode()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, {"status": "confirmed", "new_time": "", "staff_notes": "Called her"})
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.subject.startswith("Su Visita de Evaluación Gratuita con Test Clinic está confirmada")
    assert "Confirmamos su Visita de Evaluación Gratuita con Test Clinic:" in email.body
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {"status": "cancelled", "new_time": "", "staff_notes": "Called her"})
    assert mail.outbox[-1].subject == "Su Visita de Evaluación Gratuita con Test Clinic está cancelada"


def test_a_reminder_sent_by_the_worker_follows_the_patients_language(patient):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    notification = Notification.objects.create(visit_request=patient, kind=Notification.Kind.REMINDER)
    with translation.override("en"):  # the worker runs in the site's language
        send_notification.call(notification.pk)
    [email] = mail.outbox
    assert email.subject.startswith("Recordatorio: su Visita de Evaluación Gratuita con Test Clinic")


def test_a_fresh_link_asked_for_on_the_english_page_comes_in_the_patients_language(
    client, patient, django_capture_on_commit_callbacks
):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/link/", {"email": "maria@example.com"})
    [email] = mail.outbox
    assert email.subject == "Su enlace para cambiar su Visita de Evaluación Gratuita con Test Clinic"
    assert "Para ver, cambiar o cancelar su visita: http://testserver/book/manage/" in email.body


def test_a_message_links_to_the_booking_page_in_the_patients_language(patient, booking_page, settings):
    spanish_locale = type(booking_page.locale).objects.get(language_code="es")
    home_es = booking_page.get_parent().copy_for_translation(spanish_locale)
    home_es.save_revision().publish()
    spanish = booking_page.copy_for_translation(spanish_locale)
    spanish.save_revision().publish()
    assert page_in_language(booking_page, "es").pk == spanish.pk
    assert page_in_language(booking_page, "en").pk == booking_page.pk
    assert page_in_language(None, "es") is None


# What staff see


def test_staff_see_the_patients_language_in_the_inbox_and_on_the_request(client, front_desk, patient):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    client.force_login(front_desk)
    inbox = BeautifulSoup(client.get("/admin/visit-requests/").content, "html.parser")
    headings = [th.get_text(strip=True) for th in inbox.select("thead th")]
    assert "Language" in headings
    row = inbox.select_one("tbody tr")
    assert row.select("td")[headings.index("Language")].get_text(strip=True) == "Spanish"
    inspect = BeautifulSoup(client.get(f"/admin/visit-requests/inspect/{patient.pk}/").content, "html.parser")
    label = next(dt for dt in inspect.find_all("dt") if dt.get_text(strip=True) == "Language")
    assert label.find_next_sibling("dd").get_text(strip=True) == "Spanish"


def test_exports_have_a_readable_language_column(client, front_desk, patient):
    VisitRequest.objects.filter(pk=patient.pk).update(language="es")
    client.force_login(front_desk)
    response = client.get("/admin/visit-requests/?export=csv")
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["Language"] == "Spanish"


def test_a_language_reads_by_its_english_name_for_staff():
    with translation.override("es"):
        assert language_name("es") == "Spanish"
    assert language_name("en") == "English"
    assert language_name("xx") == "xx"


# The catalog


@pytest.mark.skipif(not shutil.which("msgcmp"), reason="GNU gettext (msgcmp, xgettext) is not installed")
def test_every_patient_facing_booking_message_is_translated_and_none_is_fuzzy(tmp_path, settings):
    """The messages booking marks today, extracted afresh, against the Spanish catalog: msgcmp
    fails on any that is missing, untranslated or fuzzy."""
    for source in PATIENT_SOURCES:
        (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / source).symlink_to(ROOT / source)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    (tmp_path / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        call_command("makemessages", locale=["es"], symlinks=True, ignore_patterns=STAFF_ONLY, verbosity=0)
    extracted = tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"
    assert extracted.read_text().count("\nmsgid ") > 150
    result = subprocess.run(  # noqa: S603
        ["msgcmp", str(CATALOG), str(extracted)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    # The catalog also holds the site's messages (clinic, blog): msgcmp calls those "not used" here.
    problems = [line for line in result.stderr.splitlines() if not line.endswith("this message is not used")]
    assert problems == []
    assert result.returncode == 0


# The pages a patient goes through


def article_text(response) -> str:
    """What the page itself says (the site's header and footer are the site's to translate)."""
    assert response.status_code in (200, 410)
    soup = BeautifulSoup(response.content, "html.parser")
    for hidden in soup.select(".hp-field"):
        hidden.decompose()
    return " ".join(soup.find("article").get_text(" ").split())


def page_fragments(text: str, *, content: list[str]) -> set[str]:
    """A page's own words: what is left between the editors' content and the values filled in."""
    values = sorted(content, key=len, reverse=True)
    pattern = "|".join(re.escape(value) for value in values)
    text = re.sub(r"\(954\) \S+|\d+:\d\d (AM|PM|a\. m\.|p\. m\.)( ET)?", "\n", text)
    fragments = set()
    for piece in re.split(rf"{pattern}|[\n:.,?!–()“”]", text):
        piece = " ".join(piece.split())
        if len(re.findall(r"[^\W\d_]{2,}", piece)) >= 2:
            fragments.add(piece)
    return fragments


def assert_translated(english: str, spanish: str, *, content: list[str]) -> None:
    english_fragments = page_fragments(english, content=content)
    assert len(english_fragments) >= 3
    assert [fragment for fragment in english_fragments if fragment in spanish] == []
    assert [fragment for fragment in page_fragments(spanish, content=content) if fragment in english] == []
    assert ENGLISH_DATES.findall(spanish) == []


def page_content(page) -> list[str]:
    """The editors' words on the page and the clinic's details: theirs to translate, not ours."""
    confirmation = BeautifulSoup(page.confirmation_text, "html.parser").get_text(" ")
    texts = [page.title, page.intro, page.reassurance, page.no_slot_text, confirmation]
    return [*texts, "Test Clinic", "1 Main Street", "Davie, FL 33314", "Hip", "Maria Garcia"]


def test_the_booking_form_and_its_errors_are_in_spanish(client, booking_page, spanish_book, care_area):
    # The default text repeats the template's "No time suits you?": editors' words, not ours.
    booking_page.no_slot_text = "Tell us the days and times that work and we will call you."
    type(booking_page).objects.update(no_slot_text=booking_page.no_slot_text)  # and its Spanish copy
    slot = slot_value(booking_page.free_slots()[0].start)
    data = form_data(slot, first_name="", email="nope", note="x" * 501)
    english = [article_text(client.get("/book/")), article_text(client.post("/book/", data))]
    spanish = [article_text(client.get(spanish_book)), article_text(client.post(spanish_book, data))]
    for english_text, spanish_text in zip(english, spanish, strict=True):
        assert_translated(english_text, spanish_text, content=page_content(booking_page))
    assert "1. Elija una hora" in spanish[0]
    assert "Hay un problema" in spanish[1]
    assert "Escriba su nombre." in spanish[1]
    assert "Por favor, use 500 caracteres o menos (tiene 501)." in spanish[1]


def test_the_concern_list_names_care_areas_in_the_pages_language(
    client, booking_page, spanish_book, care_area
):
    care_area.name_es = "Cadera"
    care_area.save()

    def options(url):
        page = BeautifulSoup(client.get(url).content, "html.parser")
        return [option.get_text() for option in page.select("select[name=concern] option")]

    assert "Cadera" in options(spanish_book)
    assert "Hip" not in options(spanish_book)
    assert "Hip" in options("/book/")
    assert "Cadera" not in options("/book/")
    assert "Cadera" in options(spanish_book + "waitlist/")  # the waitlist's form is the booking's


def test_the_picker_reads_day_first_in_spanish(client, booking_page, spanish_book, care_area):
    day = booking_page.free_slots()[0].start.date()
    html = client.get(spanish_book).content.decode()
    with translation.override("es"):
        expected = f"Horas del {formatting.picker_day(day)}"
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".slot-day > legend").get_text(strip=True) == expected
    weekdays = "lunes|martes|miércoles|jueves|viernes|sábado|domingo"
    assert re.fullmatch(rf"Horas del ({weekdays}) \d+ de \w+", expected)
    parts = [legend.get_text() for legend in soup.select(".slot-part__legend")]
    assert set(parts) <= {"Mañana", "Tarde", "Noche"}
    clocks = [span.get_text() for span in soup.select(".slot-option span")]
    assert all(re.fullmatch(r"\d{1,2}:\d\d [ap]\. m\.", clock) for clock in clocks)
    chosen = soup.select_one("[data-chosen-time]")
    assert chosen["data-prefix"] == "Su hora:"
    assert soup.select_one("textarea[data-count]")["data-count-left"] == "Quedan {count} caracteres"


def test_the_confirmation_and_manage_pages_are_in_spanish(client, booking_page, spanish_book, care_area):
    data = form_data(slot_value(booking_page.free_slots()[0].start))
    pages = {}
    for language, book in (("en", "/book/"), ("es", spanish_book)):
        browser = type(client)()
        thanks = browser.post(book, data | {"form_token": str(uuid.uuid4())}, follow=True)
        visit = VisitRequest.objects.latest("created_at")
        assert visit.language == language
        manage = browser.get(manage_path(visit), follow=True)
        cancel = browser.get(f"{book}manage/cancel/")
        cancelled = browser.post(f"{book}manage/cancel/", follow=True)
        pages[language] = [article_text(response) for response in (thanks, manage, cancel, cancelled)]
    for english, spanish in zip(pages["en"], pages["es"], strict=True):
        assert_translated(english, spanish, content=page_content(booking_page))
    assert pages["es"][0].startswith("Su visita está reservada")
    assert pages["es"][3].startswith("Su visita está cancelada")


def test_the_link_problem_and_fresh_link_pages_are_in_spanish(client, booking_page, spanish_book):
    bad = "/book/manage/not-a-token/"
    english = [article_text(client.get(bad, follow=True)), article_text(client.get("/book/link/"))]
    english.append(article_text(client.post("/book/link/", {"email": "nope"})))
    bad_es = f"{spanish_book}manage/not-a-token/"
    spanish = [
        article_text(client.get(bad_es, follow=True)),
        article_text(client.get(f"{spanish_book}link/")),
    ]
    spanish.append(article_text(client.post(f"{spanish_book}link/", {"email": "nope"})))
    for english_text, spanish_text in zip(english, spanish, strict=True):
        assert_translated(english_text, spanish_text, content=page_content(booking_page))
    assert "Lo sentimos, este enlace no funciona" in spanish[0]
