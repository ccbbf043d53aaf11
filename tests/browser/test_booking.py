"""A patient books, gets the email and cancels, on a phone, with axe checking each page."""

import os
import re
from pathlib import Path

import icalendar
from playwright.sync_api import expect

from django.core import mail

from tests.browser.conftest import PHONE, assert_no_axe_violations

DOCS = Path(__file__).resolve().parents[2] / "docs"


def choose_day(page, n):
    """Opens the nth listed day and waits until its times are the ones shown."""
    button = page.locator(".slot-days button").nth(n)
    button.click()
    expect(page.locator(".slot-days button").nth(n)).to_have_attribute("aria-current", "true")
    expect(page.locator(".slot-day:not([hidden])")).to_have_count(1)
    return button


def open_times(page):
    """The times listed for the day that is open (with JavaScript, other days' times stay hidden)."""
    return page.locator(".slot-day:not([hidden]) .slot-option")


def fill_details(page):
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Garcia")
    page.get_by_role("textbox", name="Email").fill("maria@example.com")
    page.get_by_role("textbox", name="Phone").fill("(954) 555-0123")
    page.get_by_label("What would you like help with?").select_option(label="Hip")
    page.get_by_label("You may contact me about this visit request.").check()


def calendar_event(message):
    """The VEVENT of the .ics attached to an email."""
    body = next(content for name, content, _ in message.attachments if name.endswith(".ics"))
    return next(c for c in icalendar.Calendar.from_ical(body).walk() if c.name == "VEVENT")


def emails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_patient_books_on_a_phone_moves_and_cancels_through_the_emailed_links(phone_page, site_url, axe):
    page = phone_page
    page.goto(site_url + "/book/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a Free Discovery Visit")
    assert_no_axe_violations(axe, page)

    choose_day(page, 1)
    first_slot = open_times(page).first
    chosen_time = first_slot.inner_text()
    first_slot.click()
    expect(page.locator("#chosen-time")).to_contain_text(chosen_time)
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    expect(page.locator(".lead")).to_contain_text(chosen_time)
    expect(page.get_by_role("link", name=re.compile("Add to calendar"))).to_be_visible()
    assert_no_axe_violations(axe, page)

    # The manage link exactly as the email has it (on the public URL: this server).
    confirmation = emails_to("maria@example.com")[0]
    assert chosen_time in confirmation.subject
    booked = calendar_event(confirmation)
    page.goto(re.search(r"https?://\S+/book/manage/\S+/", confirmation.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Free Discovery Visit")
    # The token went into the session; the address bar (and history) no longer holds it.
    expect(page).to_have_url(site_url + "/book/manage/")
    assert_no_axe_violations(axe, page)

    # Move to a time on another day: the new-time email's calendar file replaces the old event.
    choose_day(page, 2)
    open_times(page).nth(1).click()
    page.get_by_role("button", name="Move my visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit has a new time")
    assert_no_axe_violations(axe, page)
    moved_email = emails_to("maria@example.com")[-1]
    moved = calendar_event(moved_email)
    assert str(moved["uid"]) == str(booked["uid"])
    assert int(moved["sequence"]) > int(booked["sequence"])
    assert moved.decoded("dtstart") != booked.decoded("dtstart")

    # The new email's link opens the visit; cancelling asks first.
    page.goto(re.search(r"https?://\S+/book/manage/\S+/", moved_email.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Free Discovery Visit")
    page.get_by_role("link", name="Cancel my visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your visit?")
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Yes, cancel my visit").click()
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
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "/book/")
    day = page.locator(".slot-days button").nth(2).get_attribute("value")
    page.locator(".slot-days button").nth(2).click()
    # The form came back with that day's times, scrolled to them.
    expect(page).to_have_url(re.compile(r"/book/#slot-times$"))
    expect(page.locator(".slot-days button[aria-current]")).to_have_attribute("value", day)
    page.locator(".slot-option").nth(3).click()
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    context.close()


def test_with_javascript_a_day_shows_its_times_without_reloading(phone_page, site_url, axe):
    page = phone_page
    page.goto(site_url + "/book/")
    page.evaluate("window.stillTheSamePage = true")
    first_day_times = page.locator(".slot-day").first
    third_day = page.locator(".slot-days button").nth(2)
    third_day.click()
    third_day_times = page.locator(".slot-day").nth(1)
    expect(third_day_times).to_be_visible()
    expect(third_day_times).to_be_focused()
    expect(first_day_times).to_be_hidden()
    expect(third_day).to_have_attribute("aria-current", "true")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(axe, page)


def test_patient_asks_for_a_fresh_link_and_gets_the_same_answer_whoever_they_are(phone_page, site_url, axe):
    page = phone_page
    page.goto(site_url + "/book/link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get a fresh link to your visit")
    assert_no_axe_violations(axe, page)
    page.get_by_role("textbox", name="Your email address").fill("nobody@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If we have a booking for that address")
    assert_no_axe_violations(axe, page)


def test_a_time_chosen_on_one_day_stays_chosen_while_looking_at_another(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "/book/")
    # The first listed day may be today with only a time or two left; the second is a whole day.
    choose_day(page, 1)
    open_times(page).nth(2).click()
    chosen = page.locator("#chosen-time").inner_text()
    choose_day(page, 2)
    expect(page.locator(".slot-day")).to_have_count(3)
    expect(page.locator("#chosen-time")).to_have_text(chosen)
    assert page.locator('input[name="slot"]:checked').count() == 1


def tab_to(page, selector, most=6):
    """Presses Tab until `selector` has focus; fails if it takes more than `most` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with Tab")


def test_booking_with_the_keyboard_alone(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "/book/")
    tab_to(page, ".slot-days li:nth-child(2) button", most=20)
    page.keyboard.press("Enter")
    expect(page.locator(".slot-day:not([hidden])")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # arrows move through the radio group and choose
    expect(page.locator('input[name="slot"]:checked')).to_be_focused()
    expect(page.locator("#chosen-time")).to_contain_text("Your time:")
    for field, text in [
        ("#id_first_name", "Maria"),
        ("#id_last_name", "Garcia"),
        ("#id_email", "maria@example.com"),
        ("#id_phone", "(954) 555-0123"),
    ]:
        tab_to(page, field)
        page.keyboard.type(text)
    tab_to(page, "#id_concern")
    page.keyboard.press("ArrowDown")  # a closed select on the keyboard: the next option, "Hip"
    tab_to(page, "#id_consent", most=10)
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")


def test_picker_screenshots_at_390_px(browser, site_url, tmp_path):
    """Keeps docs/booking-picker-390*.png current when run with UPDATE_SCREENSHOTS=1: the picker
    with and without JavaScript, and the chosen time beside the send button."""
    folder = DOCS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    top = "el => el.getBoundingClientRect().top + window.scrollY"
    for suffix, javascript in [("", True), ("-no-js", False)]:
        context = browser.new_context(java_script_enabled=javascript, viewport=PHONE, is_mobile=True)
        page = context.new_page()
        page.goto(site_url + "/book/")
        choose_day(page, 2)
        open_times(page).nth(7).click()
        shots = {f"booking-picker-390{suffix}.png": (page.locator("#step-time"), 860)}
        if javascript:  # without it, the time is repeated only when the form comes back
            shots["booking-send-390.png"] = (page.locator("#chosen-time"), 200)
        for name, (start, height) in shots.items():
            clip = {"x": 0, "y": start.evaluate(top) - 16, "width": PHONE["width"], "height": height}
            page.screenshot(path=str(folder / name), clip=clip, full_page=True)
            assert (folder / name).stat().st_size > 5_000
        context.close()
