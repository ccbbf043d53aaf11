"""A Front desk member sets up two-step verification in Chromium, signs in again with a code from
the app (computed here from the key the page shows, as an app would), and uses a recovery code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission

from wagtail.models import PageViewRestriction

from clinic.models import StandardPage
from tests.browser.conftest import assert_no_axe_violations

PASSWORD = "desk-password-8271"


@pytest.fixture
def front_desk(db, django_user_model, settings):
    settings.STAFF_2FA_REQUIRED = True
    # Built here, not taken from the data migration: live-server tests empty the database after
    # them, migrations' rows included.
    group, _ = Group.objects.get_or_create(name="Front desk")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_visitrequest"),
    )
    user = django_user_model.objects.create_user(username="desk", password=PASSWORD)
    user.groups.add(group)
    return user


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(page, site_url, *, next_path: str = "/admin/visit-requests/"):
    page.goto(f"{site_url}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.context.clear_cookies()


def test_front_desk_enrols_signs_in_with_a_code_and_a_recovery_code_works_once(
    page, site_url, front_desk, axe
):
    sign_in(page, site_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    expect(page.locator(".clinic-qr svg")).to_be_visible()
    assert_no_axe_violations(axe, page)
    secret = page.locator(".clinic-secret").inner_text()
    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-step verification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator(".clinic-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit requests")

    sign_out(page)
    sign_in(page, site_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_no_axe_violations(axe, page)
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit requests")

    sign_out(page)
    sign_in(page, site_url)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit requests")

    sign_out(page)
    sign_in(page, site_url)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status")).to_contain_text("That code did not work")
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")


def test_front_desk_signs_in_for_a_staff_page_and_must_set_up_the_second_factor_first(
    page, site_url, front_desk, demo_site
):
    """Wagtail's own sign-in page for restricted pages asks for the second step too, and the
    page opens only after it."""
    handbook = demo_site.root_page.add_child(
        instance=StandardPage(title="Staff handbook", slug="handbook", intro="For staff only.")
    )
    PageViewRestriction.objects.create(page=handbook, restriction_type=PageViewRestriction.LOGIN)

    page.goto(f"{site_url}/handbook/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    page.goto(f"{site_url}/handbook/")  # not yet: still the sign-in step
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    secret = page.locator(".clinic-secret").inner_text()
    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-step verification").click()
    page.get_by_role("link", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff handbook")
