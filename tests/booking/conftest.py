"""Fixtures for booking: a booking page with availability every day, a valid form's data and a
Front desk member."""

import io
import re
import time
import uuid

import openpyxl
import pytest

from django.contrib.auth.models import Group
from django.core import signing

from booking.forms import STARTED_SALT
from tests import factories


@pytest.fixture
def booking_page(home, clinic_settings):
    page = factories.DiscoveryVisitPageFactory(parent=home)
    clinic_settings.appointment_page = page
    clinic_settings.save()
    factories.BookingSettingsFactory(site=clinic_settings.site)
    return page


@pytest.fixture
def front_desk(db, django_user_model):
    user = django_user_model.objects.create_user(username="desk", password="pw-desk")
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def care_area(db):
    return factories.CareAreaFactory(name="Hip", slug="hip")


def form_data(slot: str, **overrides) -> dict:
    """What a patient's browser posts: a free slot's value and valid details."""
    data = {
        "slot": slot,
        "preferred_times": "",
        "first_name": "Maria",
        "last_name": "Garcia",
        "email": "maria@example.com",
        "phone": "(954) 555-0123",
        "concern": "hip",
        "concern_other": "",
        "race_date": "",
        "note": "",
        "preferred_contact": "email",
        "consent": "on",
        "source": "",
        "form_token": str(uuid.uuid4()),
        "started": signing.dumps(time.time() - 60, salt=STARTED_SALT),
        "website": "",
    }
    data.update(overrides)
    return data


def day_button(day, *, current=False) -> str:
    """A day of the picker as the page writes it: a submit button of the form, so nothing typed is
    lost when a patient without JavaScript looks at another day."""
    attrs = f'name="day" value="{day.isoformat()}" formaction="#slot-times" formnovalidate'
    return attrs + (' aria-current="true"' if current else "")


def download_xlsx(client, query: str = ""):
    """The inbox's XLSX export as the front desk gets it: asked for from the inbox, prepared by the
    task worker (at once under the test settings), downloaded from the link on the page it shows.
    Returns the workbook."""
    page = client.get("/admin/visit-requests/?export=xlsx" + query, follow=True)
    assert page.status_code == 200
    link = re.search(r'href="([^"]+/download/)"', page.content.decode())
    assert link, "the export page has no download link"
    response = client.get(link.group(1))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
