"""Where patient data is sent (Booking settings' staff recipients, the clinic's email as the Reply-To
of every patient email) changes only in a session that may see patient data and has verified its
second factor, and every change is in the audit log. Moderators keep the rest of the settings."""

from html import unescape

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.urls import reverse

from wagtail.models import ModelLogEntry, Site

from booking.models import BookingSettings
from clinic.forms import LOG_ROUTING_CHANGED
from clinic.models import ClinicSettings
from clinic.two_factor import may_route_patient_data
from tests.admin_forms import form_data
from tests.clinic.test_admin import WEEKDAY_HOURS
from tests.clinic.test_two_factor import enrol

RECIPIENTS_LOCKED = "Every new request's name and time is sent to these addresses"
EMAIL_LOCKED = "Patients' replies to the clinic's emails go to this address"


def edit_url(app: str, model: str) -> str:
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=[app, model, site.pk])


@pytest.fixture
def booking_settings(home):
    return BookingSettings.objects.create(
        site=Site.objects.get(is_default_site=True), staff_recipients="desk@example.com"
    )


def test_a_moderator_sees_the_recipients_locked_and_why(client, moderator, booking_settings):
    client.force_login(moderator)
    page = unescape(client.get(edit_url("booking", "bookingsettings")).content.decode())
    assert RECIPIENTS_LOCKED in page
    textarea = page[page.index('name="staff_recipients"') - 200 : page.index('name="staff_recipients"') + 200]
    assert "disabled" in textarea


def test_a_moderator_cannot_send_staff_notices_elsewhere(client, moderator, booking_settings):
    client.force_login(moderator)
    data = form_data(client, edit_url("booking", "bookingsettings"))
    data["staff_recipients"] = "exfil@attacker.example"
    response = client.post(edit_url("booking", "bookingsettings"), data)
    assert RECIPIENTS_LOCKED in unescape(response.content.decode())
    assert BookingSettings.objects.get().staff_recipients == "desk@example.com"


def test_a_moderator_cannot_change_the_reply_to_of_patient_emails(client, moderator, clinic_settings):
    client.force_login(moderator)
    data = form_data(client, edit_url("clinic", "clinicsettings"), streams=WEEKDAY_HOURS)
    data["email"] = "exfil@attacker.example"
    response = client.post(edit_url("clinic", "clinicsettings"), data)
    assert EMAIL_LOCKED in unescape(response.content.decode())
    assert ClinicSettings.objects.get().email == clinic_settings.email


def test_a_moderator_still_edits_the_rest_of_the_clinic_settings(client, moderator, clinic_settings):
    client.force_login(moderator)
    data = form_data(client, edit_url("clinic", "clinicsettings"), streams=WEEKDAY_HOURS)
    data.pop("email", None)  # disabled: the browser does not send it
    data["phone"] = "(305) 555-0134"
    assert client.post(edit_url("clinic", "clinicsettings"), data).status_code == 302
    clinic = ClinicSettings.objects.get()
    assert clinic.phone == "(305) 555-0134"
    assert clinic.email == clinic_settings.email


def test_a_changed_reply_to_is_in_the_audit_log_with_who_and_what(admin_client, admin_user, clinic_settings):
    data = form_data(admin_client, edit_url("clinic", "clinicsettings"), streams=WEEKDAY_HOURS)
    data["email"] = "front@example-clinic.com"
    assert admin_client.post(edit_url("clinic", "clinicsettings"), data).status_code == 302
    entry = ModelLogEntry.objects.get(action=LOG_ROUTING_CHANGED)
    assert entry.user == admin_user
    assert entry.data == {"field": "email", "from": clinic_settings.email, "to": "front@example-clinic.com"}


def test_changed_recipients_are_in_the_audit_log(admin_client, booking_settings):
    data = form_data(admin_client, edit_url("booking", "bookingsettings"))
    data["staff_recipients"] = "desk@example.com\nowner@example.com"
    assert admin_client.post(edit_url("booking", "bookingsettings"), data).status_code == 302
    entry = ModelLogEntry.objects.get(action=LOG_ROUTING_CHANGED)
    assert entry.data["to"] == "desk@example.com\nowner@example.com"


def test_an_unchanged_form_writes_no_routing_entry(admin_client, booking_settings):
    data = form_data(admin_client, edit_url("booking", "bookingsettings"))
    admin_client.post(edit_url("booking", "bookingsettings"), data)
    assert not ModelLogEntry.objects.filter(action=LOG_ROUTING_CHANGED).exists()


def test_only_a_verified_session_of_someone_who_sees_patient_data_may_route_it(
    client, settings, admin_user, moderator
):
    settings.STAFF_2FA_REQUIRED = True
    client.force_login(admin_user)
    request = client.get("/").wsgi_request
    assert not may_route_patient_data(request.unverified_user)
    enrol(client)
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()
    assert may_route_patient_data(client.get(edit_url("clinic", "clinicsettings")).wsgi_request.user)
    client.force_login(moderator)
    assert not may_route_patient_data(client.get(edit_url("clinic", "clinicsettings")).wsgi_request.user)
