"""A patient books, gets the email and cancels, on a phone, with axe checking each page."""

import re

from playwright.sync_api import expect

from django.core import mail

from tests.browser.conftest import assert_no_axe_violations


def fill_details(page):
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Garcia")
    page.get_by_role("textbox", name="Email").fill("maria@example.com")
    page.get_by_role("textbox", name="Phone").fill("(954) 555-0123")
    page.get_by_label("What would you like help with?").select_option(label="Hip")
    page.get_by_label("You may contact me about this visit request.").check()


def test_patient_books_on_a_phone_gets_the_email_and_cancels_with_the_manage_link(phone_page, site_url, axe):
    page = phone_page
    page.goto(site_url + "/book/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a Free Discovery Visit")
    assert_no_axe_violations(axe, page)

    first_slot = page.locator(".slot-option label").first
    chosen_time = first_slot.inner_text()
    first_slot.click()
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    expect(page.locator(".lead")).to_contain_text(chosen_time)
    expect(page.get_by_role("link", name=re.compile("Add to calendar"))).to_be_visible()
    assert_no_axe_violations(axe, page)

    confirmation = next(m for m in mail.outbox if m.to == ["maria@example.com"])
    assert chosen_time in confirmation.subject
    manage = re.search(r"https?://\S+/book/manage/\S+/", confirmation.body).group(0)
    path = "/book/manage/" + manage.split("/book/manage/")[1]

    page.goto(site_url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Free Discovery Visit")
    # The token went into the session; the address bar (and history) no longer holds it.
    expect(page).to_have_url(site_url + "/book/manage/")
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Cancel my visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is cancelled")
    assert any(m.to == ["front-desk@example.com"] and "cancelled" in m.subject for m in mail.outbox)


def test_errors_are_summarised_linked_and_accessible(phone_page, site_url, axe):
    page = phone_page
    page.goto(site_url + "/book/")
    page.get_by_role("textbox", name="Email").fill("not an email")
    page.get_by_role("button", name="Send my request").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter an email address like name@example.com.")
    expect(page.get_by_role("textbox", name="Email")).to_have_value("not an email")
    expect(page.get_by_role("textbox", name="Email")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(axe, page)
    summary.get_by_role("link", name="Enter your first name.").click()
    expect(page.get_by_label("First name")).to_be_focused()


def test_booking_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "/book/")
    page.locator(".slot-option label").first.click()
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    context.close()


def test_with_javascript_later_days_are_behind_a_show_more_button(phone_page, site_url, axe):
    page = phone_page
    page.goto(site_url + "/book/")
    days = page.locator(".slot-day")
    more = page.get_by_role("button", name=re.compile(r"Show \d+ more days"))
    expect(more).to_be_visible()
    expect(days.nth(4)).to_be_hidden()
    assert_no_axe_violations(axe, page)
    more.click()
    expect(days.nth(4)).to_be_visible()
    expect(days.nth(4).locator("input").first).to_be_focused()


def test_patient_asks_for_a_fresh_link_and_gets_the_same_answer_whoever_they_are(phone_page, site_url, axe):
    page = phone_page
    page.goto(site_url + "/book/link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get a fresh link to your visit")
    assert_no_axe_violations(axe, page)
    page.get_by_role("textbox", name="Your email address").fill("nobody@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If we have a booking for that address")
    assert_no_axe_violations(axe, page)
