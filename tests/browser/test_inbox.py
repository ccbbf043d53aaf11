"""The front desk confirms a request in the inbox, in Chromium, and the patient gets the email,
whose manage link opens their visit."""

import re
import time

import pytest
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client

from booking.formatting import visit_time
from booking.models import DiscoveryVisitPage, VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import form_data
from tests.browser.conftest import assert_no_axe_violations

PASSWORD = "desk-password-3390"


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
    page = DiscoveryVisitPage.objects.get()
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
