"""Issue 19 in Chromium: a patient inside the notice window sees the visit and the clinic's phone
instead of move and cancel; the front desk marks who came with one click from the inbox."""

import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission
from django.test import Client

from booking.emails import manage_url
from booking.models import BookingSettings, DiscoveryVisitPage, VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import form_data
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser

PASSWORD = "desk-password-3390"


@pytest.fixture
def front_desk(db, django_user_model):
    group, _ = Group.objects.get_or_create(name="Front desk")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_visitrequest", "change_visitrequest"])
    )
    user = django_user_model.objects.create_user(username="desk", password=PASSWORD)
    user.groups.add(group)
    return user


@pytest.fixture
def booked(site_url):
    page = DiscoveryVisitPage.objects.get()
    assert Client().post(page.url, form_data(slot_value(page.free_slots()[0].start))).status_code == 303
    return VisitRequest.objects.get()


def test_inside_the_notice_window_the_patient_sees_the_visit_and_a_phone_link_not_move_or_cancel(
    phone_page, site_url, booked, axe
):
    # Two weeks of notice (the most the setting takes): the first free time is inside it, on
    # the real clock.
    BookingSettings.objects.update(change_notice_hours=24 * 14)
    page = phone_page
    page.goto(manage_url(booked))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Free Discovery Visit")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Maria Garcia")
    expect(main).to_contain_text("so it can no longer be moved or cancelled online")
    call = main.get_by_role("region", name="Need to move or cancel?").get_by_role(
        "link", name="(954) 519-5404"
    )
    expect(call).to_have_attribute("href", "tel:+19545195404")
    expect(main.get_by_role("button", name="Move my visit")).to_have_count(0)
    expect(main.get_by_role("link", name="Cancel my visit")).to_have_count(0)
    assert_no_axe_violations(axe, page)

    # The cancel page, typed in: no button, the same phone number.
    page.goto(f"{site_url}/book/manage/cancel/")
    expect(page.get_by_role("main")).to_contain_text("is still booked")
    expect(page.get_by_role("button", name="Yes, cancel my visit")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("link", name="(954) 519-5404")).to_be_visible()
    assert_no_axe_violations(axe, page)
    booked.refresh_from_db()
    assert booked.status == VisitRequest.Status.NEW


def test_front_desk_marks_a_past_visit_no_show_with_one_click_from_the_inbox(
    page, site_url, front_desk, booked, axe
):
    with time_machine.travel(booked.slot_end + timedelta(hours=2)):
        page.goto(f"{site_url}/admin/login/?next=/admin/")
        page.get_by_label("Username").fill("desk")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        # The dashboard lists the visit to mark and leads to the inbox's filter.
        expect(page.get_by_role("heading", name="Who came?")).to_be_visible()
        assert_no_axe_violations(axe, page)
        page.get_by_role("link", name="All visits that need an outcome").click()
        expect(page).to_have_url(re.compile(r"needs_outcome=true"))
        row = page.get_by_role("row").filter(has_text="Maria Garcia")
        expect(row).to_have_count(1)
        # Not axe here: Wagtail's own filtered listing heads its results with an <h2 role=alert>
        # ("There is 1 match"), which axe's best-practice rules flag; the list unfiltered below.

        no_show = row.get_by_role("button", name="No-show: Maria Garcia")
        no_show.focus()
        page.keyboard.press("Enter")  # keyboard alone does it
        expect(page.get_by_role("status")).to_contain_text("Maria Garcia: marked No-show.")
        expect(page).to_have_url(re.compile(r"needs_outcome=true"))
        expect(page.get_by_role("row").filter(has_text="Maria Garcia")).to_have_count(0)

        booked.refresh_from_db()
        assert booked.status == VisitRequest.Status.NO_SHOW
        page.goto(f"{site_url}/admin/visit-requests/")
        assert_no_axe_violations(axe, page)
        page.goto(f"{site_url}/admin/visit-requests/inspect/{booked.pk}/")
        expect(page.get_by_role("main")).to_contain_text("1 no-show with this email address or phone number")
