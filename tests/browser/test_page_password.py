"""A visitor at a password-protected page in Chromium: the right password opens it; after too
many tries from one network the form says guessing is paused, and even the right one waits."""

import pytest
from playwright.sync_api import expect

from wagtail.models import PageViewRestriction

from clinic.models import StandardPage


@pytest.fixture
def members_page(demo_site, settings):
    settings.PAGE_PASSWORD_RATE_LIMIT = "3/h"
    page = demo_site.root_page.add_child(
        instance=StandardPage(title="Members", slug="members", intro="Welcome.")
    )
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="knee-2026")
    return page


def try_password(page, password):
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def test_the_right_password_opens_the_page(page, site_url, members_page):
    page.goto(f"{site_url}/members/")
    try_password(page, "knee-2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")


def test_guessing_is_paused_with_a_message(page, site_url, members_page):
    page.goto(f"{site_url}/members/")
    for guess in ["hip", "back", "foot"]:
        try_password(page, guess)
        expect(page.get_by_text("The password you have entered is not correct")).to_be_visible()
    try_password(page, "knee-2026")
    expect(page.get_by_text("Too many passwords were tried from your network")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password required")
