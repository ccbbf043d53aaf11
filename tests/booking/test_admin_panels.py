"""Both screens that say when the clinic can be seen warn, before saving, where the booking page's
weekly hours and the clinic's opening hours disagree: the booking page's Availability tab and
Settings › Clinic. The warning follows the fields as they are edited (the check URLs), and
/book/ never offers a time the opening hours say is closed."""

from datetime import datetime, time, timedelta
from html import unescape

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site

from booking.models import DiscoveryVisitPage, VisitRequest, WeeklyHours
from booking.opening_hours import disagreements
from booking.slots import slot_value
from clinic.models import ClinicSettings
from tests.admin_forms import form_data as admin_form_data
from tests.booking.conftest import form_data


def edit_page(admin_client, page) -> str:
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def settings_url() -> str:
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["clinic", "clinicsettings", site.pk])


def test_booking_page_editor_warns_of_times_on_days_the_clinic_shows_closed(admin_client, booking_page):
    # The clinic's settings say Monday to Friday; the page has times every day.
    html = edit_page(admin_client, booking_page)
    assert "These times and the clinic's opening hours disagree." in html
    assert (
        "Saturday 9:00 AM–5:00 PM is in the booking page's weekly hours, but the opening hours patients "
        "see say the clinic is closed on Saturday: no visits are offered then." in html
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
    page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    assert disagreements(opening=page.clinic_opening_hours(), bookable=page.bookable_hours()) == []


def test_clinic_settings_warn_where_the_opening_hours_and_the_booking_page_disagree(
    admin_client, booking_page
):
    html = admin_client.get(settings_url()).content.decode()
    assert "These opening hours and the booking page's times disagree." in html
    assert "the clinic is closed on Sunday: no visits are offered then." in html
    assert f"/admin/pages/{booking_page.pk}/edit/" in html


def test_clinic_settings_say_when_the_opening_hours_fit(admin_client, booking_page):
    WeeklyHours.objects.filter(page=booking_page, weekday__gte=5).delete()
    html = unescape(admin_client.get(settings_url()).content.decode())
    assert "These opening hours fit the booking page's times." in html


def test_clinic_settings_without_a_booking_page_show_no_check(admin_client, home):
    html = unescape(admin_client.get(settings_url()).content.decode())
    assert "booking page's times" not in html


def weekly_form(rows, deleted=()) -> dict:
    data = {"weekly_hours-TOTAL_FORMS": str(len(rows))}
    for index, (weekday, start, end) in enumerate(rows):
        data.update(
            {
                f"weekly_hours-{index}-weekday": str(weekday),
                f"weekly_hours-{index}-start": start,
                f"weekly_hours-{index}-end": end,
                f"weekly_hours-{index}-DELETE": "1" if index in deleted else "",
            }
        )
    return data


def page_check(client, page, data) -> str:
    url = reverse("booking_opening_hours_check_page", args=[page.pk])
    response = client.get(url, data)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_page_check_answers_for_the_weekly_hours_as_typed_before_saving(admin_client, booking_page):
    weekdays = [(day, "09:00", "17:00") for day in range(5)]
    assert "These times fit" in page_check(admin_client, booking_page, weekly_form(weekdays))
    late = page_check(admin_client, booking_page, weekly_form([*weekdays, (4, "17:00", "19:00")]))
    assert "Friday 6:00 PM–7:00 PM is in the booking page's weekly hours, outside the opening hours" in late
    # Nothing was saved: the page keeps its times.
    assert WeeklyHours.objects.filter(page=booking_page).count() == 7


def test_the_page_check_leaves_out_deleted_and_half_typed_rows(admin_client, booking_page):
    rows = [*[(day, "09:00", "17:00") for day in range(5)], (6, "10:00", "12:00"), (5, "10:", "")]
    html = page_check(admin_client, booking_page, weekly_form(rows, deleted={5}))
    assert "These times fit" in html


@pytest.mark.parametrize(
    "hostile",
    [
        {"weekly_hours-TOTAL_FORMS": "99999999"},
        {"weekly_hours-TOTAL_FORMS": "x"},
        {"weekly_hours-TOTAL_FORMS": "1", "weekly_hours-0-weekday": "9", "weekly_hours-0-start": "25:00"},
    ],
)
def test_the_page_check_survives_a_hostile_query(admin_client, booking_page, hostile):
    assert "help-block" in page_check(admin_client, booking_page, hostile)


def opening_form(blocks) -> dict:
    data = {"opening_hours-count": str(len(blocks))}
    for index, (days, opens, closes) in enumerate(blocks):
        data.update(
            {
                f"opening_hours-{index}-type": "hours",
                f"opening_hours-{index}-deleted": "",
                f"opening_hours-{index}-order": str(index),
                f"opening_hours-{index}-value-days": days,
                f"opening_hours-{index}-value-opens": opens,
                f"opening_hours-{index}-value-closes": closes,
            }
        )
    return data


def site_check(client, data) -> str:
    site = Site.objects.get(is_default_site=True)
    response = client.get(reverse("booking_opening_hours_check_site", args=[site.pk]), data)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_clinic_check_answers_for_the_opening_hours_as_typed_before_saving(admin_client, booking_page):
    every_day = [(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "08:00", "18:00")]
    assert "These opening hours fit" in site_check(admin_client, opening_form(every_day))
    saturday_morning = [
        (["mon", "tue", "wed", "thu", "fri", "sun"], "08:00", "18:00"),
        (["sat"], "09:00", "11:00"),
    ]
    html = site_check(admin_client, opening_form(saturday_morning))
    outside = "Saturday 11:00 AM–5:00 PM is in the booking page's weekly hours, outside the opening hours"
    assert outside in html
    assert ClinicSettings.objects.get().opening_hours[0].value["days"] == ["mon", "tue", "wed", "thu", "fri"]


@pytest.mark.parametrize("user", ["editor", "front_desk"])
def test_the_checks_are_for_those_who_edit_the_hours(client, request, user, booking_page):
    client.force_login(request.getfixturevalue(user))
    site = Site.objects.get(is_default_site=True)
    page_url = reverse("booking_opening_hours_check_page", args=[booking_page.pk])
    assert client.get(page_url).status_code in (302, 403)
    assert client.get(reverse("booking_opening_hours_check_site", args=[site.pk])).status_code in (302, 403)


def test_booking_page_offers_no_time_when_the_opening_hours_say_closed(client, booking_page, clinic_settings):
    clinic_settings.opening_hours = [
        ("hours", {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": time(8), "closes": time(18)}),
        ("hours", {"days": ["sat"], "opens": time(9), "closes": time(11)}),
    ]
    clinic_settings.save()
    booking_page.refresh_from_db()
    free = booking_page.free_slots()
    saturdays = [slot.start for slot in free if slot.start.weekday() == 5]
    assert saturdays
    assert max(start.time() for start in saturdays) == time(10, 30)
    assert not [slot for slot in free if slot.start.weekday() == 6]


def test_a_time_outside_the_opening_hours_cannot_be_booked_by_posting_it(client, booking_page, care_area):
    today = timezone.localdate()
    next_sunday = today + timedelta(days=(6 - today.weekday()) % 7 + 7)
    start = datetime.combine(next_sunday, time(10), tzinfo=timezone.get_default_timezone())
    response = client.post("/book/", form_data(slot_value(start)))
    assert response.status_code == 200
    assert "That time is no longer available, please pick another." in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_saving_new_opening_hours_in_the_settings_changes_what_book_offers(admin_client, booking_page):
    data = admin_form_data(
        admin_client,
        settings_url(),
        streams={
            "opening_hours": [("hours", {"days": ["mon", "tue", "wed"], "opens": "08:00", "closes": "12:00"})]
        },
    )
    assert admin_client.post(settings_url(), data).status_code == 302
    page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    free = page.free_slots()
    assert {slot.start.weekday() for slot in free} == {0, 1, 2}
    assert max(slot.start.time() for slot in free) == time(11, 30)
