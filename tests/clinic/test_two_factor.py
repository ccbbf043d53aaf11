"""Two-step verification: staff who see patient data need a code from an authenticator app (or a
recovery code) on top of their password before the admin lets them in."""

import time
from urllib.parse import urlparse

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth.models import Group

from clinic.two_factor import needs_second_factor

INBOX = "/admin/visit-requests/"
SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/"


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def front_desk(db, django_user_model):
    user = django_user_model.objects.create_user(username="desk", password="pw-desk-12345")
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user(username="ed", password="pw-ed-12345")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later: a code
    once used is refused, as django-otp should, so a second sign-in in one test uses the next)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    client.get(SETUP)
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(SETUP, {"code": code_for(device), "next": INBOX})
    assert response.status_code == 200
    device.refresh_from_db()
    codes = [token.token for token in StaticToken.objects.filter(device__user=device.user)]
    return device, codes


def location(response) -> str:
    return urlparse(response["Location"]).path


def test_superusers_and_front_desk_need_a_second_factor(admin_user, front_desk):
    assert needs_second_factor(admin_user)
    assert needs_second_factor(front_desk)


def test_editors_without_patient_data_do_not_need_one(editor):
    assert not needs_second_factor(editor)


def test_password_only_session_cannot_open_the_visit_requests(client, front_desk):
    client.force_login(front_desk)
    response = client.get(INBOX)
    assert response.status_code == 302
    assert location(response) == SETUP


def test_password_only_superuser_cannot_open_any_admin_page(admin_client):
    response = admin_client.get("/admin/pages/")
    assert location(response) == SETUP


def test_enrolled_user_with_password_only_is_sent_to_verify(client, front_desk):
    client.force_login(front_desk)
    enrol(client)
    client.logout()
    client.force_login(front_desk)
    response = client.get(INBOX)
    assert location(response) == VERIFY
    assert response["Location"].endswith("?next=%2Fadmin%2Fvisit-requests%2F")


def test_setup_page_shows_the_qr_code_as_inline_svg_without_script_or_style(client, front_desk):
    client.force_login(front_desk)
    page = client.get(SETUP).content.decode()
    assert '<svg width="' in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<script" not in svg
    assert "style=" not in svg


def test_enrolment_confirms_the_app_and_opens_the_inbox(client, front_desk):
    client.force_login(front_desk)
    device, codes = enrol(client)
    assert device.confirmed
    assert len(codes) == 10
    assert client.get(INBOX).status_code == 200


def test_enrolment_refuses_a_wrong_code(client, front_desk):
    client.force_login(front_desk)
    client.get(SETUP)
    page = client.post(SETUP, {"code": "000000"}).content.decode()
    assert "That code did not match" in page
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_code_from_the_app_lets_the_user_in(client, front_desk):
    client.force_login(front_desk)
    device, _ = enrol(client)
    client.logout()
    client.force_login(front_desk)
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": INBOX})
    assert location(response) == INBOX
    assert client.get(INBOX).status_code == 200


def test_a_used_app_code_does_not_work_again(client, front_desk):
    client.force_login(front_desk)
    device, _ = enrol(client)
    code = code_for(device, steps_ahead=1)
    client.post(VERIFY, {"code": code})
    client.logout()
    client.force_login(front_desk)
    page = client.post(VERIFY, {"code": code}).content.decode()
    assert "That code did not work" in page


def test_wrong_code_keeps_the_user_out(client, front_desk):
    client.force_login(front_desk)
    enrol(client)
    client.logout()
    client.force_login(front_desk)
    client.post(VERIFY, {"code": "123456"})
    assert location(client.get(INBOX)) == VERIFY


def test_recovery_code_works_once(client, front_desk):
    client.force_login(front_desk)
    _, codes = enrol(client)
    client.logout()
    client.force_login(front_desk)
    assert location(client.post(VERIFY, {"code": codes[0], "next": INBOX})) == INBOX
    client.logout()
    client.force_login(front_desk)
    page = client.post(VERIFY, {"code": codes[0]}).content.decode()
    assert "That code did not work" in page


def test_password_only_session_cannot_replace_the_enrolled_app(client, front_desk):
    client.force_login(front_desk)
    enrol(client)
    client.logout()
    client.force_login(front_desk)
    assert location(client.get(SETUP)) == VERIFY


def test_verify_does_not_redirect_to_another_site(client, front_desk):
    client.force_login(front_desk)
    device, _ = enrol(client)
    client.logout()
    client.force_login(front_desk)
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_new_recovery_codes_replace_the_old_ones(client, front_desk):
    client.force_login(front_desk)
    _, old_codes = enrol(client)
    client.post("/admin/two-factor/recovery-codes/")
    remaining = set(StaticToken.objects.values_list("token", flat=True))
    assert len(remaining) == 10
    assert remaining.isdisjoint(old_codes)


def test_editor_without_a_device_uses_the_admin_with_a_password(client, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_anyone_who_enrolled_must_verify_even_when_not_required(client, editor, settings):
    settings.STAFF_2FA_REQUIRED = False
    client.force_login(editor)
    enrol(client)
    client.logout()
    client.force_login(editor)
    assert location(client.get("/admin/")) == VERIFY
