"""Fixtures for the waitlist: a patient booked at the first free time, and a helper to put
patients on the waitlist for every time."""

import re
from datetime import time, timedelta

import pytest

from django.core import mail
from django.utils import timezone

from booking import services
from booking.models import BookingSettings
from booking.waitlist import services as waitlist
from tests import factories

ALL_DAYS = list(range(7))
ALL_PARTS = ["morning", "afternoon", "evening"]


def patient(n: int = 0, **overrides) -> services.Patient:
    fields = {
        "first_name": f"Pat{n}",
        "last_name": "Waiting",
        "email": f"pat{n}@example.com",
        "phone": f"+1954555{n:04d}",
    }
    fields.update(overrides)
    return services.Patient(**fields)


def join(page, n: int = 0, *, language: str = "en", **wishes):
    return waitlist.waitlist_entry_create(
        page=page,
        patient=patient(n),
        weekdays=wishes.get("weekdays", ALL_DAYS),
        parts=wishes.get("parts", ALL_PARTS),
        until=wishes.get("until", timezone.localdate() + timedelta(days=60)),
        language=language,
    )


def wait_for_earlier(page, visit_request, **wishes):
    """The booked patient of `visit_request` asks for an earlier time (from the manage page)."""
    return waitlist.waitlist_entry_create(
        page=page,
        visit_request=visit_request,
        weekdays=wishes.get("weekdays", ALL_DAYS),
        parts=wishes.get("parts", ["morning"]),
        until=wishes.get("until", timezone.localdate() + timedelta(days=30)),
    )


def book(page, slot_start, n: int = 100):
    return services.visit_request_create(page=page, patient=patient(n), slot_start=slot_start)


def set_policy(page, policy: str, *, hold: int = 30) -> BookingSettings:
    settings_ = BookingSettings.for_site(page.get_site())
    settings_.waitlist_policy = policy
    settings_.waitlist_hold_minutes = hold
    settings_.save()
    return settings_


def links_in(message, route: str) -> list[str]:
    return re.findall(rf"http://\S+/{route}/[A-Za-z0-9_\-]+/", message.body)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def first_weekday_from(day):
    while day.weekday() >= 5:  # the test clinic is open Monday to Friday
        day += timedelta(days=1)
    return day


@pytest.fixture
def target_day():
    return first_weekday_from(timezone.localdate() + timedelta(days=3))


@pytest.fixture
def small_page(home, clinic_settings, target_day):
    """A booking page open one morning only (9:00 and 9:30, on `target_day`), both times booked:
    nothing is free until someone cancels."""
    page = factories.DiscoveryVisitPageFactory(
        parent=home, hours=[(target_day.weekday(), time(9), time(10))], horizon_days=7
    )
    clinic_settings.appointment_page = page
    clinic_settings.save()
    factories.BookingSettingsFactory(site=clinic_settings.site)
    page.booked = [book(page, slot.start, n=100 + i) for i, slot in enumerate(page.free_slots())]
    assert len(page.booked) == 2
    assert page.free_slots() == []
    return page


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox
