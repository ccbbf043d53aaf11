"""The front desk in the inbox, in Chromium: confirms a request and the patient gets the email,
whose manage link opens their visit; moves a visit with the day-first picker, with and without
JavaScript."""

import csv
import io
import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client

from booking.formatting import clock, visit_time
from booking.models import DiscoveryVisitPage, VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import form_data
from tests.browser.conftest import assert_no_axe_violations

PASSWORD = "desk-password-3390"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def front_desk(db, django_user_model):
    # Built here, not taken from the data migration: live-server tests empty the database after
    # them, migrations' rows included.
    group, _ = Group.objects.get_or_create(name="Front desk")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_visitrequest", "change_visitrequest"])
    )
    user = django_user_model.objects.create_user(username="desk", password=PASSWORD)
    user.groups.add(group)
    return user


@pytest.fixture
def booked(site_url, settings):
    """A patient's booking, made through the form; the links in emails name the live server."""
    settings.CLINIC_PUBLIC_URL = site_url
    page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    data = form_data(slot_value(page.free_slots()[1].start), note="Left hip hurts after 5 km")
    assert Client().post(page.url, data).status_code == 303
    mail.outbox.clear()
    return VisitRequest.objects.get()


def patient_email(subject_part: str, timeout: float = 10):
    """The patient's email once the server's worker has sent it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if message.to == ["maria@example.com"] and subject_part in message.subject:
                return message
        time.sleep(0.1)
    raise AssertionError(f"No email with {subject_part!r} among {[m.subject for m in mail.outbox]}")


def test_front_desk_confirms_a_request_and_the_patient_gets_the_email_with_a_working_link(
    page, site_url, front_desk, booked, axe
):
    page.goto(f"{site_url}/admin/login/?next=/admin/visit-requests/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit requests")

    page.get_by_role("link", name="Maria Garcia").click()
    expect(page.get_by_text(visit_time(booked.slot_start))).to_be_visible()
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(f"{site_url}/admin/visit-requests/edit/{booked.pk}/")

    assert_no_axe_violations(axe, page)
    status = page.get_by_role("combobox", name=re.compile("^Status"))
    expect(status).to_have_accessible_description(re.compile("The patient is emailed when you confirm"))
    status.select_option(label="Confirmed")
    page.get_by_role("textbox", name="Staff notes").fill("Called, she will bring her running shoes.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The patient will get the “Visit confirmed” email.")

    message = patient_email("is confirmed")
    assert visit_time(booked.slot_start) in message.body
    assert "hip" not in message.subject.lower()
    link = re.search(r"https?://\S+/book/manage/\S+/", message.body).group(0)
    assert link.startswith(site_url + "/book/manage/")
    booked.refresh_from_db()
    assert booked.status == "confirmed"
    assert booked.staff_notes == "Called, she will bring her running shoes."

    page.goto(link)  # the link as sent
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Free Discovery Visit")
    expect(page.get_by_role("main")).to_contain_text(visit_time(booked.slot_start).rsplit(" ", 1)[0])


def sign_in(page, site_url, next_path):
    page.goto(f"{site_url}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_front_desk_moves_a_visit_with_the_day_first_picker_and_a_reload_sends_nothing_more(
    page, site_url, front_desk, booked, axe
):
    free = DiscoveryVisitPage.objects.get(locale__language_code="en").free_slots()
    later_day = free[-1].start.date()
    new_start = next(slot.start for slot in free if slot.start.date() == later_day)
    edit = f"/admin/visit-requests/edit/{booked.pk}/"
    sign_in(page, site_url, edit)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maria Garcia")
    picker = page.locator("[data-move-picker]")
    expect(picker.get_by_role("radio", name=re.compile("^Keep the current time"))).to_be_checked()
    assert page.locator("select[name=new_time]").count() == 0
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(axe, page)

    # The last day is on a later page of days: page on in place, then pick the day and a time.
    page.get_by_role("textbox", name="Staff notes").fill("Asked to move, prefers later.")
    url_before = page.url
    day_name = re.compile(later_day.strftime("^%a ") + f"{later_day.day} ")
    while picker.get_by_role("link", name=day_name).count() == 0:
        later = picker.get_by_role("link", name=re.compile("^Later dates"))
        first_day_of_next_page = later.get_attribute("data-day")
        later.click()
        current = picker.locator('[data-move-days] a[aria-current="true"]')
        expect(current).to_have_attribute("data-day", first_day_of_next_page)
    day_link = picker.get_by_role("link", name=day_name)
    day_link.click()
    expect(day_link).to_have_attribute("aria-current", "true")
    assert page.url == url_before  # shown in place: nothing typed was lost
    expect(page.get_by_role("textbox", name="Staff notes")).to_have_value("Asked to move, prefers later.")
    picker.get_by_role("radio", name=clock(new_start), exact=True).check()
    expect(picker.locator("[data-move-chosen]")).to_have_text(f"Moving to: {visit_time(new_start)}")
    if os.environ.get("UPDATE_SCREENSHOTS"):
        picker.screenshot(path=str(DOCS / "inbox-move-picker.png"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("“New time set by the clinic”")

    message = patient_email("has a new time")
    assert visit_time(new_start) in message.body
    assert visit_time(booked.slot_start) in message.body  # the time it had, which they may have noted
    booked.refresh_from_db()
    assert booked.slot_start == new_start
    assert booked.staff_notes == "Asked to move, prefers later."
    page.reload()
    time.sleep(1)
    assert len([m for m in mail.outbox if m.to == ["maria@example.com"]]) == 1


def test_front_desk_moves_a_visit_without_javascript(browser, site_url, front_desk, booked):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    free = DiscoveryVisitPage.objects.get(locale__language_code="en").free_slots()
    second_day = sorted({slot.start.date() for slot in free})[1]
    new_start = next(slot.start for slot in free if slot.start.date() == second_day)
    sign_in(page, site_url, f"/admin/visit-requests/edit/{booked.pk}/")
    picker = page.locator("[data-move-picker]")
    picker.get_by_role(
        "link", name=re.compile(second_day.strftime("^%a ") + str(second_day.day) + " ")
    ).click()
    expect(page).to_have_url(re.compile(f"day={second_day:%Y-%m-%d}"))
    picker.get_by_role("radio", name=clock(new_start), exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile("/admin/visit-requests/$"))
    booked.refresh_from_db()
    assert booked.slot_start == new_start
    context.close()


def test_front_desk_finds_a_patient_by_the_phone_as_they_said_it_and_reads_clinic_time(
    page, site_url, front_desk, booked
):
    """Issue 14, items 7 and 9: the number typed as the caller says it finds the request; the
    request and the CSV export show when it came in, in the clinic's time with the zone named."""
    front_desk.groups.get().permissions.add(Permission.objects.get(codename="export_visitrequest"))
    sign_in(page, site_url, "/admin/visit-requests/")
    for typed in ["(954) 555-0123", "555-0123", "954.555.0123"]:
        search = page.get_by_role("textbox", name=re.compile("^Search"))
        search.fill(typed)
        search.press("Enter")
        expect(page.get_by_role("link", name="Maria Garcia")).to_be_visible()
    search.fill("(954) 555-0199")
    search.press("Enter")
    expect(page.get_by_role("link", name="Maria Garcia")).to_have_count(0)

    received = visit_time(booked.created_at)
    assert received.endswith(" ET")
    page.goto(f"{site_url}/admin/visit-requests/inspect/{booked.pk}/")
    expect(page.get_by_text(received, exact=True)).to_have_count(2)  # received and consented

    page.goto(f"{site_url}/admin/visit-requests/")
    page.get_by_role("button", name="Actions", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    [row] = csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    assert row["Received"] == received
    assert row["Phone"] == "(954) 555-0123"
    assert row["Status"] == "New"
