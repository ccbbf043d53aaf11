"""The Spanish site in a real browser, on the demo clinic: axe on every /es/ page, the language
switch to the same page by keyboard, the offer of the Spanish page to a browser preferring Spanish,
and the language assistance links in the footer."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_no_axe_violations

pytestmark = pytest.mark.browser

SPANISH_PAGES = [
    "/es/",
    "/es/quienes-somos/",
    "/es/servicios/",
    "/es/privacidad/",
    "/es/asistencia-con-el-idioma/",
    "/es/blog/",
    "/es/blog/category/hip/",
    "/es/blog/dolor-de-cadera-en-corredores/",
    "/es/search/?q=cadera",
    "/language-assistance/",
]


@pytest.mark.parametrize("path", SPANISH_PAGES)
def test_axe_finds_no_violations_on_spanish_pages(phone_page, site_url, axe, path):
    phone_page.goto(site_url + path)
    assert_no_axe_violations(axe, phone_page)


def test_switch_goes_to_the_same_article_in_the_other_language_by_keyboard(page, site_url):
    page.goto(site_url + "/blog/hip-pain-in-runners/")
    switch = page.get_by_role("navigation", name="Language").get_by_role("link", name="Español")
    switch.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site_url + "/es/blog/dolor-de-cadera-en-corredores/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    expect(page).to_have_url(site_url + "/blog/hip-pain-in-runners/")


def test_a_browser_preferring_spanish_is_offered_the_spanish_page_and_can_say_no(browser, site_url):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="es-US")
    page = context.new_page()
    page.goto(site_url + "/")
    offer = page.get_by_role("complementary", name="Esta página en español")
    expect(offer.get_by_role("link", name="Lea esta página en español")).to_have_attribute("href", "/es/")
    offer.get_by_role("button", name="No, gracias").click()
    expect(offer).to_have_count(0)
    page.goto(site_url + "/about/")
    expect(page.get_by_role("complementary", name="Esta página en español")).to_have_count(0)
    context.close()


def test_a_browser_preferring_english_is_offered_nothing(page, site_url):
    page.goto(site_url + "/")
    expect(page.get_by_role("complementary", name="Esta página en español")).to_have_count(0)


def test_footer_links_the_language_assistance_notice_in_both_languages(page, site_url):
    page.goto(site_url + "/es/servicios/")
    page.get_by_role("link", name="Asistencia con el idioma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asistencia con el idioma")
    page.get_by_role("link", name="Language assistance", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Language assistance")


def test_spanish_booking_page_offers_the_english_page_times(page, site_url):
    page.goto(site_url + "/book/")
    english = page.locator("input[name=slot]").first.get_attribute("value")
    page.goto(site_url + "/es/reservar/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.locator("input[name=slot]").first.get_attribute("value") == english
