"""The booking page editor warns where its times and the clinic's opening hours disagree."""

from datetime import time

from booking.admin.panels import clinic_opening_hours, page_bookable_hours
from booking.models import DiscoveryVisitPage, WeeklyHours
from booking.opening_hours import disagreements
from clinic.models import ClinicSettings


def edit_page(admin_client, page) -> str:
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    return response.content.decode()


def test_booking_page_editor_warns_of_times_on_days_the_clinic_shows_closed(admin_client, booking_page):
    # The clinic's settings say Monday to Friday; the page offers times every day.
    html = edit_page(admin_client, booking_page)
    assert "These times and the clinic's opening hours disagree." in html
    assert (
        "Visits can be booked on Saturday 9:00 AM–5:00 PM, but the opening hours patients see say "
        "the clinic is closed on Saturday." in html
    )


def test_booking_page_editor_says_when_times_fit_the_opening_hours(admin_client, booking_page):
    WeeklyHours.objects.filter(page=booking_page, weekday__gte=5).delete()
    html = edit_page(admin_client, booking_page)
    assert "These times fit the clinic's opening hours." in html


def test_booking_page_editor_checks_the_draft_times_not_only_the_published_ones(admin_client, booking_page):
    draft = booking_page.get_latest_revision_as_object()
    draft.weekly_hours = [WeeklyHours(weekday=0, start=time(9), end=time(12))]
    draft.save_revision()
    html = edit_page(admin_client, booking_page)
    assert "no visits can be booked on Tuesday" in html


def test_demo_opening_hours_and_booking_times_agree(demo_site):
    clinic = ClinicSettings.for_site(demo_site)
    page = DiscoveryVisitPage.objects.get()
    assert disagreements(opening=clinic_opening_hours(clinic), bookable=page_bookable_hours(page)) == []
