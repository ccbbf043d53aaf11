"""What a visitor does with the clinic's pages, in a real browser."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_home_page_renders_with_the_clinic_and_its_call_to_action(page, site_url):
    page.goto(site_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get back to pain-free running")
    expect(page.locator(".call-banner a")).to_have_attribute("href", "tel:+19545195404")
    expect(page.get_by_role("link", name="Book a Free Discovery Visit").first).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("Davie, FL")


def test_mobile_navigation_opens_and_closes(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "/")
    toggle = page.get_by_role("button", name="Menu")
    about = page.get_by_role("navigation", name="Main").get_by_role("link", name="About us")
    expect(toggle).to_be_visible()
    expect(about).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(about).to_be_visible()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(about).to_be_hidden()
    expect(toggle).to_be_focused()
    toggle.click()
    about.click()
    expect(page).to_have_url(site_url + "/about/")


def test_navigation_works_with_the_keyboard_alone(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "/")
    page.get_by_role("button", name="Menu").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # Home
    page.keyboard.press("Tab")  # About us
    expect(page.get_by_role("link", name="About us")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site_url + "/about/")


def test_without_javascript_the_menu_is_a_plain_visible_list(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="About us")).to_be_visible()
    context.close()


def test_skip_link_is_first_and_moves_focus_to_the_main_content(page, site_url):
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused_in_main


@pytest.mark.parametrize("path", ["/", "/about/", "/services/", "/privacy/", "/no-such-page/"])
def test_axe_finds_no_violations(page, phone_page, site_url, axe, path):
    for each in (page, phone_page):
        each.goto(site_url + path)
        assert_no_axe_violations(axe, each)


def test_pages_load_under_the_strict_csp_without_errors(page, site_url):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url + "/")
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert page.evaluate("document.documentElement.classList.contains('js')")


def test_home_page_screenshot(page, site_url, tmp_path):
    """Keeps docs/home-page.png current when run with UPDATE_SCREENSHOTS=1."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "/")
    target = DOCS / "home-page.png" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "home.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_the_home_page_on_a_phone_leads_with_the_latest_articles(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "/")
    latest = page.get_by_role("region", name="Latest articles")
    latest.scroll_into_view_if_needed()
    expect(latest).to_be_visible()
    titles = latest.get_by_role("heading", level=3)
    expect(titles).to_have_count(3)
    expect(titles.first).to_have_text("Hip Pain in Runners: Causes, Prevention, and Recovery Tips")
    top = latest.bounding_box()["y"] + page.evaluate("window.scrollY")
    services = page.get_by_role("heading", name="How we help").bounding_box()["y"] + page.evaluate(
        "window.scrollY"
    )
    assert top < services  # before the services, right after the hero
    latest.get_by_role("link", name="All articles").click()
    expect(page).to_have_url(site_url + "/blog/")


def test_the_menu_has_a_book_entry_on_a_phone(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "/about/")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Book").click()
    expect(page).to_have_url(site_url + "/book/")
    expect(page.locator(".main-nav__book")).to_have_attribute("aria-current", "page")
