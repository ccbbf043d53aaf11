"""Two-step verification: staff who see patient data need a code from an authenticator app (or a
recovery code) on top of their password before the admin lets them in."""

import time
from urllib.parse import urlparse

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import Client

from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, ModelLogEntry, PageViewRestriction

from booking.permissions import can_change_visit_requests, can_export_visit_requests, can_view_visit_requests
from clinic.two_factor import needs_second_factor
from tests import factories

INBOX = "/admin/visit-requests/"
SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/"
SITE_LOGIN = "/_util/login/"
DESK_SIGN_IN = {"username": "desk", "password": "pw-desk-12345", "next": "/handbook/"}


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


# The second factor is a property of the session: until it is verified, the person is anonymous
# to every private page, document and view, wherever it is served (not only under /admin/).


@pytest.fixture
def staff_page(home):
    page = factories.StandardPageFactory(parent=home, title="Staff handbook", slug="handbook")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


@pytest.fixture
def private_document(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    collection = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type="login")
    document = Document.objects.create(
        title="Rota", collection=collection, file=ContentFile(b"who works when", name="rota.txt")
    )
    return document.url


def test_password_only_session_is_anonymous_to_a_login_restricted_page(admin_client, staff_page):
    response = admin_client.get("/handbook/")
    assert response.status_code == 302
    assert location(response) == SITE_LOGIN


def test_password_only_session_cannot_download_a_private_document(admin_client, private_document):
    response = admin_client.get(private_document)
    assert response.status_code == 302
    assert location(response) == SITE_LOGIN


def test_verified_session_reads_the_restricted_page_and_the_document(
    client, front_desk, staff_page, private_document
):
    client.force_login(front_desk)
    enrol(client)
    assert client.get("/handbook/").status_code == 200
    assert client.get(private_document).status_code == 200


def test_editor_without_a_second_factor_reads_the_restricted_page(client, editor, staff_page):
    client.force_login(editor)
    assert client.get("/handbook/").status_code == 200


def test_site_sign_in_with_a_password_alone_sends_staff_to_their_second_step(client, front_desk, staff_page):
    response = client.post(SITE_LOGIN, DESK_SIGN_IN)
    assert location(response) == SETUP
    assert response["Location"].endswith("?next=%2Fhandbook%2F")
    assert location(client.get("/handbook/")) == SITE_LOGIN


def test_site_sign_in_then_the_code_opens_the_restricted_page(client, front_desk, staff_page):
    client.force_login(front_desk)
    device, _ = enrol(client)
    client.logout()
    response = client.post(SITE_LOGIN, DESK_SIGN_IN)
    assert location(response) == VERIFY
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": "/handbook/"})
    assert location(response) == "/handbook/"
    assert client.get("/handbook/").status_code == 200


def test_site_sign_in_page_sends_a_password_only_session_to_its_code(client, front_desk):
    client.force_login(front_desk)
    enrol(client)
    client.logout()
    client.force_login(front_desk)
    response = client.get(SITE_LOGIN, {"next": "/handbook/"})
    assert location(response) == VERIFY


def test_site_sign_in_lets_staff_without_a_second_factor_straight_in(client, editor, staff_page):
    response = client.post(SITE_LOGIN, {"username": "ed", "password": "pw-ed-12345", "next": "/handbook/"})
    assert location(response) == "/handbook/"
    assert client.get("/handbook/").status_code == 200


def test_password_only_session_has_no_user_on_public_pages(admin_client, home):
    page = admin_client.get("/")
    assert page.status_code == 200
    assert page.wsgi_request.user.is_anonymous


def test_a_forged_script_name_does_not_skip_the_second_factor(client, front_desk):
    """SCRIPT_NAME (a request header gunicorn trusts from its proxy) changes request.path, not
    path_info, which Django routes on: the admin is still the admin."""
    client.force_login(front_desk)
    response = client.get(INBOX, {"export": "csv"}, SCRIPT_NAME="/x")
    assert response.status_code == 302
    assert location(response).endswith(SETUP)


# One rule for "can see patient data": the second factor and the inbox ask the same question.


@pytest.fixture
def changes_only(db, django_user_model):
    """A group someone might make: may change visit requests, was not given "view"."""
    user = django_user_model.objects.create_user(username="changer", password="pw-changer-12345")
    group = Group.objects.create(name="Changers")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", "change_visitrequest"]))
    user.groups.add(group)
    return user


def test_a_group_that_may_change_visit_requests_needs_a_second_factor(changes_only):
    assert needs_second_factor(changes_only)


def test_password_only_session_that_may_change_requests_cannot_open_the_inbox(client, changes_only):
    client.force_login(changes_only)
    assert location(client.get(INBOX)) == SETUP


@pytest.mark.parametrize(
    "codenames",
    [
        [],
        ["view_visitrequest"],
        ["change_visitrequest"],
        ["export_visitrequest"],
        ["view_visitrequest", "change_visitrequest", "export_visitrequest"],
        ["change_visitrequest", "export_visitrequest"],
    ],
)
def test_whoever_the_inbox_opens_for_needs_a_second_factor(django_user_model, codenames):
    user = django_user_model.objects.create_user(username="someone", password="pw-someone-12345")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    checks = [can_view_visit_requests, can_change_visit_requests, can_export_visit_requests]
    assert needs_second_factor(user) == any(check(user) for check in checks)


def test_the_page_cache_never_hands_a_private_page_to_a_password_only_session(
    client, front_desk, admin_user, staff_page, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    client.force_login(front_desk)
    enrol(client)
    assert client.get("/handbook/").status_code == 200
    password_only = Client()
    password_only.force_login(admin_user)
    assert password_only.get("/handbook/").status_code == 302
    assert Client().get("/handbook/").status_code == 302


def test_setting_up_an_app_and_new_recovery_codes_are_in_the_audit_log(client, front_desk):
    client.force_login(front_desk)
    enrol(client)
    client.post("/admin/two-factor/recovery-codes/")
    entries = ModelLogEntry.objects.filter(user=front_desk, action__startswith="clinic.two_factor.")
    assert [entry.action for entry in entries.order_by("pk")] == [
        "clinic.two_factor.app_set_up",
        "clinic.two_factor.new_recovery_codes",
    ]


def test_removing_a_lost_phone_is_seen_at_once(client, editor, settings):
    """Whether someone has a device is cached (every signed-in request asks): removing the
    devices, as the lost-phone procedure does, must not leave the old answer behind."""
    settings.STAFF_2FA_REQUIRED = False
    client.force_login(editor)
    enrol(client)
    client.logout()
    client.force_login(editor)
    assert location(client.get("/admin/")) == VERIFY
    TOTPDevice.objects.filter(user=editor).delete()
    StaticDevice.objects.filter(user=editor).delete()
    assert client.get("/admin/").status_code == 200
