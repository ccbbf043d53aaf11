"""A Spanish-speaking patient books on a phone, with and without JavaScript, and follows the
emailed link to cancel: every step, and every email, in Spanish (issue 18)."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from booking.models import DiscoveryVisitPage, VisitRequest
from tests.browser.conftest import PHONE, assert_no_axe_violations
from tests.browser.test_booking import choose_day, emails_to, open_times

MANAGE_LINK = re.compile(r"https?://\S+/manage/\S+/")


@pytest.fixture
def spanish_booking_url(site_url):
    """Where a Spanish speaker books: the demo's Spanish booking page (/es/reservar/)."""
    page = DiscoveryVisitPage.objects.live().get(locale__language_code="es")
    return site_url + page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_spanish_speaker_books_on_a_phone_and_cancels_from_the_emailed_link(
    browser, spanish_booking_url, axe, javascript
):
    context = browser.new_context(
        java_script_enabled=javascript, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(spanish_booking_url)
    expect(page.get_by_role("heading", name="1. Elija una hora")).to_be_visible()
    expect(page.locator(".slot-day:not([hidden]) > legend")).to_have_text(
        # \S, not \w: the pattern runs in the browser, where \w is ASCII ("miércoles").
        re.compile(r"^Horas del \S+ \d+ de \S+$")
    )
    if javascript:  # axe runs in the page: not without JavaScript
        assert_no_axe_violations(axe, page)

    choose_day(page, 1)
    time = open_times(page).first
    label = time.locator("input").get_attribute("data-label")
    assert re.search(r"\d+:\d\d [ap]\. m\. ET$", label)
    time.click()
    if javascript:
        expect(page.locator("#chosen-time")).to_have_text(f"Su hora: {label}")
    page.get_by_label("Nombre", exact=True).fill("María")
    page.get_by_label("Apellido").fill("García")
    page.get_by_role("textbox", name="Correo electrónico").fill("maria@example.com")
    page.get_by_role("textbox", name="Teléfono").fill("(954) 555-0123")
    page.get_by_label("¿Con qué le gustaría que le ayudemos?").select_option(label="Cadera")
    page.get_by_label("Pueden contactarme sobre esta solicitud de visita.").check()
    note = page.get_by_label("¿Algo más que debamos saber? (opcional)")
    note.fill("Corro los domingos.")
    if javascript:  # the count booking.js writes, in the page's words
        expect(page.locator("#id_note-count")).to_have_text("Quedan 481 caracteres")
    page.get_by_role("button", name="Enviar mi solicitud").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Su visita está reservada")
    expect(page.locator(".lead")).to_have_text(f"Su Visita de Evaluación Gratuita es el {label}.")
    if javascript:  # axe runs in the page: not without JavaScript
        assert_no_axe_violations(axe, page)
    assert VisitRequest.objects.get().language == "es"
    assert VisitRequest.objects.get().concern.slug == "hip"  # "Cadera" on the Spanish form

    [confirmation] = emails_to("maria@example.com")
    assert confirmation.subject.startswith("Su Visita de Evaluación Gratuita con ")
    assert "Hola, María:" in confirmation.body
    link = MANAGE_LINK.search(confirmation.body).group(0)
    assert urlsplit(link).path.startswith(urlsplit(spanish_booking_url).path + "manage/")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Su Visita de Evaluación Gratuita")
    page.get_by_role("link", name="Cancelar mi visita").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Cancelar su visita?")
    page.get_by_role("button", name="Sí, cancelar mi visita").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Su visita está cancelada")
    if javascript:  # axe runs in the page: not without JavaScript
        assert_no_axe_violations(axe, page)

    cancellation = emails_to("maria@example.com")[-1]
    assert cancellation.subject.endswith(" está cancelada")
    assert "como nos pidió" in cancellation.body
    context.close()
