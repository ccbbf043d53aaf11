"""What patients do between the happy steps (issue 14), on a phone, with and without JavaScript:
Back after booking, a reload, a second tab, changing day after typing, a link cut short."""

import re

import pytest
from playwright.sync_api import expect

from django.core import mail

from booking.formatting import visit_time
from booking.models import Notification, VisitRequest
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_booking import choose_day, emails_to, fill_details, open_times

JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
MANAGE_LINK = re.compile(r"https?://\S+/book/manage/\S+/")


def book(page, site_url, *, nth_time=0):
    """Books the nth time of the first day from a fresh /book/; returns the time's label as shown."""
    page.goto(site_url + "/book/")
    time = open_times(page).nth(nth_time)
    label = time.locator("input").get_attribute("data-label")
    time.click()
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    return label


def active_visits():
    return VisitRequest.objects.filter(status__in=VisitRequest.ACTIVE_STATUSES).count()


def notifications(kind):
    return Notification.objects.filter(kind=kind).count()


# 1. Back after booking books no second visit: the patient sees their booking and may move it.


@JS
def test_back_after_booking_and_sending_again_shows_the_booking_and_offers_the_new_time(
    phone, site_url, axe, javascript
):
    page = phone(javascript=javascript)
    booked = book(page, site_url)

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a Free Discovery Visit")
    expect(page.get_by_role("status").first).to_contain_text(
        f"You booked a visit for {booked} a few minutes ago."
    )
    other = open_times(page).first  # the booked time is taken now: the first time left
    other_label = other.locator("input").get_attribute("data-label")
    other.click()
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    expect(page.locator(".lead")).to_contain_text(booked)
    expect(page.get_by_role("status").first).to_contain_text("You had already booked this visit")
    assert active_visits() == 1
    assert notifications(Notification.Kind.CONFIRMATION) == 1
    if javascript:
        assert_no_axe_violations(axe, page)

    page.get_by_role("button", name=f"Move my visit to {other_label}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit has a new time")
    expect(page.locator(".lead")).to_contain_text(other_label)
    page.reload()  # nothing more happens
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit has a new time")
    assert active_visits() == 1
    assert visit_time(VisitRequest.objects.get().slot_start) == other_label
    assert notifications(Notification.Kind.MOVED) == 1


def test_a_second_tab_opened_before_booking_shows_the_booking_instead_of_booking_again(phone, site_url):
    first = phone()
    second = first.context.new_page()
    second.goto(site_url + "/book/")
    booked = book(first, site_url)

    choose_day(second, 1)  # a whole day: the first listed may be today with a time or two left
    open_times(second).nth(2).click()
    fill_details(second)
    second.get_by_role("button", name="Send my request").click()
    expect(second.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    expect(second.locator(".lead")).to_contain_text(booked)
    expect(second.get_by_role("status").first).to_contain_text("You had already booked this visit")
    assert active_visits() == 1
    assert len(emails_to("maria@example.com")) == 1


def test_reloading_the_confirmation_books_nothing_more(phone, site_url):
    page = phone(javascript=False)
    book(page, site_url)
    for _ in range(3):
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    assert active_visits() == 1
    assert len(emails_to("maria@example.com")) == 1


# 2. Back never selects a time the patient did not select.


@JS
def test_back_after_booking_selects_no_time(phone, site_url, javascript):
    page = phone(javascript=javascript)
    book(page, site_url, nth_time=1)
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a Free Discovery Visit")
    expect(open_times(page).first).to_be_visible()
    assert page.locator('input[name="slot"]:checked').count() == 0
    expect(page.locator("#chosen-time")).to_have_text("")


# 3. "None of these times suit me" takes "Your time" off the screen.


def test_choosing_none_of_these_times_replaces_your_time(phone, site_url):
    page = phone()
    page.goto(site_url + "/book/")
    open_times(page).nth(1).click()
    expect(page.locator("#chosen-time")).to_contain_text("Your time:")
    page.get_by_text("No time suits you?", exact=True).click()
    page.get_by_text("None of these times suit me").click()
    expect(page.locator("#chosen-time")).to_have_text(
        "No time chosen: we will contact you about the times that suit you."
    )


# 4. A reload never repeats a change or an email.


def test_reloading_after_moving_or_cancelling_repeats_nothing(phone, site_url, axe):
    page = phone()
    book(page, site_url)
    page.goto(MANAGE_LINK.search(emails_to("maria@example.com")[0].body).group(0))
    choose_day(page, 2)
    open_times(page).nth(1).click()
    page.get_by_role("button", name="Move my visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit has a new time")
    assert_no_axe_violations(axe, page)
    moved = VisitRequest.objects.get()
    page.reload()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit has a new time")
    assert notifications(Notification.Kind.MOVED) == 1
    assert VisitRequest.objects.get().link_version == moved.link_version

    # The link in the "new time" email still opens the visit.
    page.goto(MANAGE_LINK.search(emails_to("maria@example.com")[-1].body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Free Discovery Visit")
    page.get_by_role("link", name="Cancel my visit").click()
    page.get_by_role("button", name="Yes, cancel my visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is cancelled")
    expect(page.locator(".lead")).to_contain_text(visit_time(moved.slot_start))
    assert_no_axe_violations(axe, page)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is cancelled")
    assert notifications(Notification.Kind.CANCELLED) == 1


def test_reloading_the_fresh_link_answer_sends_no_second_email(phone, site_url):
    page = phone(javascript=False)
    book(page, site_url)
    page.goto(site_url + "/book/link/")
    page.get_by_role("textbox", name="Your email address").fill("maria@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If we have a booking for that address")
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("If we have a booking for that address")
    assert notifications(Notification.Kind.LINK) == 1


# 6. Changing day keeps what was typed.

TYPED = {"First name": "Maria", "Last name": "Garcia", "Anything else": "Left hip, since March"}


def type_details(page):
    for label, text in TYPED.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("textbox", name="Email").fill("maria@example.com")


def assert_typed_kept(page):
    for label, text in TYPED.items():
        expect(page.get_by_label(label)).to_have_value(text)
    expect(page.get_by_role("textbox", name="Email")).to_have_value("maria@example.com")


@JS
def test_changing_day_and_page_of_days_keeps_what_was_typed(phone, site_url, javascript):
    page = phone(javascript=javascript)
    page.goto(site_url + "/book/?concern=hip")
    if javascript:
        page.evaluate("window.stillTheSamePage = true")
    type_details(page)

    page.locator(".slot-days button").nth(2).click()
    expect(page.locator(".slot-days button").nth(2)).to_have_attribute("aria-current", "true")
    assert_typed_kept(page)

    later = page.get_by_role("button", name=re.compile("^Later dates"))
    first_of_next_page = later.get_attribute("value")
    later.click()
    expect(page.locator(".slot-days button[aria-current]")).to_have_attribute("value", first_of_next_page)
    expect(page.locator(f'.slot-day[data-day="{first_of_next_page}"]')).to_be_visible()
    assert_typed_kept(page)
    expect(page.get_by_label("What would you like help with?")).to_have_value("hip")
    if javascript:
        assert page.evaluate("window.stillTheSamePage") is True

    chosen = open_times(page).first
    label = chosen.locator("input").get_attribute("data-label")
    chosen.click()
    page.get_by_role("textbox", name="Phone").fill("(954) 555-0123")
    page.get_by_label("You may contact me about this visit request.").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    expect(page.locator(".lead")).to_contain_text(label)
    assert VisitRequest.objects.get().note == TYPED["Anything else"]


def test_without_javascript_a_time_chosen_on_one_day_stays_chosen_on_another(phone, site_url):
    page = phone(javascript=False)
    page.goto(site_url + "/book/")
    first = open_times(page).nth(1)
    label = first.locator("input").get_attribute("data-label")
    first.click()
    page.locator(".slot-days button").nth(3).click()
    expect(page.locator(".slot-days button").nth(3)).to_have_attribute("aria-current", "true")
    expect(page.locator('input[name="slot"]:checked')).to_have_attribute("data-label", label)
    expect(page.locator("#chosen-time")).to_have_text(f"Your time: {label}")
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator(".lead")).to_contain_text(label)


def test_the_form_sent_back_by_a_day_button_passes_axe(phone, site_url, axe):
    page = phone()
    page.goto(site_url + "/book/")
    type_details(page)
    # What a browser without JavaScript does on a day button, here with axe able to run after it.
    day = page.locator(".slot-days button").nth(1)
    day.evaluate("button => button.form.requestSubmit(button)")
    expect(page.locator(".slot-days button").nth(1)).to_have_attribute("aria-current", "true")
    assert_typed_kept(page)
    assert_no_axe_violations(axe, page)


def test_enter_in_a_field_sends_the_request(phone, site_url):
    page = phone(javascript=False)
    page.goto(site_url + "/book/")
    open_times(page).first.click()
    fill_details(page)
    page.get_by_role("textbox", name="Email").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")


# 10. One clear message per case.


def test_the_rate_limit_page_says_only_that_requests_are_paused(phone, site_url, settings, axe):
    settings.BOOKING_RATE_LIMIT = "1/h"
    settings.BOOKING_MIN_FILL_SECONDS = 60  # every send here is "quicker than we expected"
    page = phone()
    page.goto(site_url + "/book/")
    open_times(page).first.click()
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("quicker than we expected")
    page.get_by_role("button", name="Send my request").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("we have paused new ones from this connection")
    expect(summary).not_to_contain_text("quicker than we expected")
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(summary.get_by_role("link", name="(954) 519-5404")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Maria")
    assert_no_axe_violations(axe, page)


# 11. The smaller things.


def test_a_manage_link_cut_short_offers_a_fresh_link(phone, site_url, axe):
    page = phone()
    book(page, site_url)
    link = MANAGE_LINK.search(emails_to("maria@example.com")[0].body).group(0)
    page.goto(link[:-8] + "/")  # as some email programs wrap a long link
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, this link does not work")
    assert_no_axe_violations(axe, page)
    page.get_by_role("link", name="Email me a fresh link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get a fresh link to your visit")


def test_the_confirmation_page_title_says_what_its_heading_says(phone, site_url):
    page = phone()
    book(page, site_url)
    assert page.title().startswith("Your visit is booked")


def test_a_long_note_is_counted_as_it_is_typed_and_never_cut(phone, site_url):
    page = phone()
    page.goto(site_url + "/book/")
    note = page.get_by_label("Anything else we should know? (optional)")
    note.focus()
    page.keyboard.insert_text("n" * 490)
    expect(page.locator("#id_note-count")).to_have_text("10 characters left")
    page.keyboard.insert_text("n" * 20)  # as a paste
    expect(note).to_have_value("n" * 510)
    expect(page.locator("#id_note-count")).to_have_text("10 characters too many")
    expect(note).to_have_accessible_description(re.compile("10 characters too many"))


def test_without_javascript_a_long_note_is_refused_with_its_length_and_kept(phone, site_url):
    page = phone(javascript=False)
    page.goto(site_url + "/book/")
    open_times(page).first.click()
    fill_details(page)
    note = page.get_by_label("Anything else we should know? (optional)")
    note.focus()
    page.keyboard.insert_text("n" * 510)
    expect(note).to_have_value("n" * 510)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Please keep this to 500 characters or fewer (it has 510)."
    )
    expect(note).to_have_value("n" * 510)
    assert not VisitRequest.objects.exists()


def test_a_phone_number_in_letters_is_refused_with_a_clear_message(phone, site_url):
    page = phone(javascript=False)
    page.goto(site_url + "/book/")
    open_times(page).first.click()
    fill_details(page)
    page.get_by_role("textbox", name="Phone").fill("954-CALL-NOW")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("Please type your phone number in digits")
    expect(page.get_by_role("textbox", name="Phone")).to_have_value("954-CALL-NOW")
    assert not VisitRequest.objects.exists()


def test_the_manage_page_opens_on_the_visits_own_day(phone, site_url):
    page = phone()
    page.goto(site_url + "/book/")
    day = choose_day(page, 3).get_attribute("value")
    open_times(page).first.click()
    fill_details(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    page.goto(MANAGE_LINK.search(emails_to("maria@example.com")[0].body).group(0))
    expect(page.locator(".slot-days button[aria-current]")).to_have_attribute("value", day)


def test_the_patients_own_cancellation_email_names_the_visit_and_a_way_to_book_again(phone, site_url):
    page = phone()
    booked = book(page, site_url)
    page.goto(MANAGE_LINK.search(emails_to("maria@example.com")[0].body).group(0))
    page.get_by_role("link", name="Cancel my visit").click()
    page.get_by_role("button", name="Yes, cancel my visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is cancelled")
    cancelled = next(m for m in mail.outbox if m.to == ["maria@example.com"] and "cancelled" in m.subject)
    assert booked in cancelled.body
    book_again = re.search(r"book again: (\S+)", cancelled.body).group(1)
    assert "not what you expected" not in cancelled.body
    page.goto(book_again)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a Free Discovery Visit")
