"""An editor who changes when the clinic is open is warned on that screen, before saving, where
the opening hours patients see and the booking page's times disagree; and /book/ never offers a
time the opening hours say is closed. In Chromium, on the demo clinic (Saturday 8:00-12:00 in
the footer, visits 9:00-12:00)."""

from datetime import time

import pytest
from playwright.sync_api import expect

from booking.models import DiscoveryVisitPage

PASSWORD = "hours-editor-password-7731"
SATURDAY_CLOSES_EARLY = (
    "Saturday 11:00 AM–12:00 PM is in the booking page's weekly hours, outside the opening hours patients "
    "see (8:00 AM–11:00 AM): no visits are offered then."
)


@pytest.fixture
def editor_page(page, site_url, django_user_model):
    django_user_model.objects.create_superuser(username="owner", email="", password=PASSWORD)
    page.goto(f"{site_url}/admin/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).not_to_have_count(0)
    return page


def assert_check_is_accessible(axe, page):
    # Only the check: Wagtail's own time picker (its unlabelled arrow buttons) is not ours to fix.
    results = axe.run(page, context="[data-opening-hours-check]")
    assert results.violations_count == 0, results.generate_report()


def saturday_times(page_obj) -> set[time]:
    return {slot.start.time() for slot in page_obj.free_slots() if slot.start.weekday() == 5}


def test_changing_the_opening_hours_warns_before_saving_and_book_follows(editor_page, site_url, axe):
    page = editor_page
    page.goto(f"{site_url}/admin/settings/clinic/clinicsettings/")
    check = page.locator("[data-opening-hours-check]")
    expect(check).to_contain_text("These opening hours fit the booking page's times.")

    closes = page.locator('input[name="opening_hours-1-value-closes"]')
    expect(closes).to_have_value("12:00")
    closes.fill("11:00")
    closes.press("Tab")
    expect(check).to_contain_text("These opening hours and the booking page's times disagree.")
    expect(check).to_contain_text(SATURDAY_CLOSES_EARLY)
    assert saturday_times(DiscoveryVisitPage.objects.get(locale__language_code="en")) >= {
        time(11),
        time(11, 30),
    }  # nothing saved yet
    assert_check_is_accessible(axe, page)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Clinic settings updated.")
    expect(page.locator("[data-opening-hours-check]")).to_contain_text(SATURDAY_CLOSES_EARLY)
    booking = DiscoveryVisitPage.objects.get(locale__language_code="en")
    assert time(11) not in saturday_times(booking)
    assert time(11, 30) not in saturday_times(booking)
    assert time(10, 30) in saturday_times(booking)


def test_changing_the_booking_times_warns_before_saving(editor_page, site_url, axe):
    page = editor_page
    booking = DiscoveryVisitPage.objects.get(locale__language_code="en")
    page.goto(f"{site_url}/admin/pages/{booking.pk}/edit/")
    page.get_by_role("tab", name="Availability").click()
    check = page.locator("[data-opening-hours-check]")
    expect(check).to_contain_text("These times fit the clinic's opening hours.")

    weekdays = page.locator('select[name^="weekly_hours-"][name$="-weekday"]')
    names = [weekdays.nth(i).get_attribute("name") for i in range(weekdays.count())]
    values = [weekdays.nth(i).input_value() for i in range(weekdays.count())]
    row = names[values.index("5")].removesuffix("-weekday")
    end = page.locator(f'input[name="{row}-end"]')
    end.fill("13:00")
    end.press("Tab")
    expect(check).to_contain_text("These times and the clinic's opening hours disagree.")
    expect(check).to_contain_text(
        "Saturday 12:00 PM–1:00 PM is in the booking page's weekly hours, outside the opening hours "
        "patients see (8:00 AM–12:00 PM): no visits are offered then."
    )
    assert_check_is_accessible(axe, page)
    end.fill("12:00")
    end.press("Tab")
    expect(check).to_contain_text("These times fit the clinic's opening hours.")
