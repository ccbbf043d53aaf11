"""On a phone, with and without JavaScript: a patient for whom no time suits joins the waitlist
from the booking page, reads the confirmation email, and when a time frees up claims it from the
offer email's link. The new public pages have no axe violations."""

import re

import pytest
from playwright.sync_api import expect

from django.core import mail
from django.utils import timezone

from booking import services
from booking.models import BookingSettings, DiscoveryVisitPage, VisitRequest
from booking.waitlist.models import WaitlistEntry, WaitlistOffer
from booking.waitlist.services import offer_claim, waitlist_entry_create
from tests.browser.conftest import assert_no_axe_violations

JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
CLAIM_LINK = re.compile(r"https?://\S+/book/waitlist/offer/[A-Za-z0-9_\-]+/")
LEAVE_LINK = re.compile(r"https?://\S+/book/waitlist/leave/[A-Za-z0-9_\-]+/")


def fill_up_first_day(booking_page) -> list[VisitRequest]:
    """Every time of the first bookable day is booked by someone else."""
    free = booking_page.free_slots()
    tz = timezone.get_default_timezone()
    first_day = free[0].start.astimezone(tz).date()
    booked = []
    for n, slot in enumerate(s for s in free if s.start.astimezone(tz).date() == first_day):
        patient = services.Patient(
            first_name=f"Other{n}",
            last_name="Patient",
            email=f"other{n}@example.com",
            phone=f"+1954777{n:04d}",
        )
        booked.append(
            services.visit_request_create(page=booking_page, patient=patient, slot_start=slot.start)
        )
    return booked


@JS
def test_a_patient_joins_the_waitlist_on_a_phone_and_claims_a_freed_time_from_the_email(
    phone, site_url, axe, javascript
):
    def check_axe():
        # axe runs in the page: only where JavaScript is on (Playwright's evaluate waits forever
        # in a page without it). The same pages are checked in the JavaScript run.
        if javascript:
            assert_no_axe_violations(axe, page)

    booking_page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    booked = fill_up_first_day(booking_page)
    first_day = booked[0].slot_start.astimezone(timezone.get_default_timezone()).date()
    page = phone(javascript=javascript)
    page.goto(site_url + "/book/")
    page.get_by_text("No time suits you?", exact=True).click()
    page.get_by_text("None of these times suit me").click()
    page.get_by_role("link", name="join the waitlist", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    check_axe()

    # Only the full day's weekday, until that day: nothing free suits.
    for box in page.get_by_role("group", name="Which days suit you?").get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_role("checkbox", name=f"{first_day:%A}").check()
    page.get_by_label("Until when?").fill(first_day.isoformat())
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Garcia")
    page.get_by_role("textbox", name="Email").fill("maria@example.com")
    page.get_by_role("textbox", name="Phone").fill("(954) 555-0123")
    page.get_by_label("What would you like help with?").select_option(label="Hip")
    page.get_by_label("You may contact me about the waitlist and this visit request.").check()
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    check_axe()
    [joined] = [m for m in mail.outbox if m.to == ["maria@example.com"]]
    assert LEAVE_LINK.search(joined.body)
    assert not WaitlistOffer.objects.exists()

    # Someone cancels: the time is offered to Maria by email.
    services.visit_request_cancel(visit_request=booked[2])
    [offer_email] = [m for m in mail.outbox if m.to == ["maria@example.com"] and "opened up" in m.subject]
    page.goto(CLAIM_LINK.search(offer_email.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("A time has opened up")
    check_axe()
    page.get_by_role("button", name="Claim this time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your visit is booked")
    visit = VisitRequest.objects.get(email="maria@example.com")
    assert visit.slot_start == booked[2].slot_start
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.BOOKED

    # The link again, later: the time is hers.
    page.goto(CLAIM_LINK.search(offer_email.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("This time is yours")


def test_the_just_taken_and_leave_pages_have_no_axe_violations(phone, site_url, axe):
    booking_page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    booked = fill_up_first_day(booking_page)
    first_day = booked[0].slot_start.astimezone(timezone.get_default_timezone()).date()
    settings_ = BookingSettings.objects.get()
    settings_.waitlist_policy = BookingSettings.WaitlistPolicy.EVERYONE_AT_ONCE
    settings_.save()
    for n in range(2):
        waitlist_entry_create(
            page=booking_page,
            patient=services.Patient(
                first_name=f"W{n}", last_name="Ait", email=f"w{n}@example.com", phone=f"+1954888{n:04d}"
            ),
            weekdays=[first_day.weekday()],
            parts=["morning", "afternoon", "evening"],
            until=first_day,
        )
    services.visit_request_cancel(visit_request=booked[0])
    offer_claim(offer=WaitlistOffer.objects.get(entry__email="w0@example.com"))
    [late] = [m for m in mail.outbox if m.to == ["w1@example.com"] and "opened up" in m.subject]
    page = phone()
    page.goto(CLAIM_LINK.search(late.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, this time was just taken")
    assert_no_axe_violations(axe, page)
    [joined] = [m for m in mail.outbox if m.to == ["w1@example.com"] and "waitlist" in m.subject]
    page.goto(LEAVE_LINK.search(joined.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave the waitlist?")
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Leave the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have left the waitlist")
