"""Playwright against Django's live_server, in Debian's Chromium (see shared/MACHINE.md)."""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from django.utils import timezone

from booking.models import Closure, DiscoveryVisitPage

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but Chromium is missing at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site_url(live_server, demo_site, settings):
    """The demo clinic, served by a real server whose public URL it is: links in emails and
    calendar files point at it, so a test follows them as sent."""
    settings.CLINIC_PUBLIC_URL = live_server.url
    _first_listed_day_is_a_whole_day()
    return live_server.url


def _first_listed_day_is_a_whole_day():
    """Closes today and tomorrow: the tests pick the first listed day's second or eighth time,
    which today (late in the day, with the 12-hour notice) or tomorrow morning may not have."""
    today = timezone.localdate()
    for booking_page in DiscoveryVisitPage.objects.all():
        Closure.objects.create(
            page=booking_page, start_date=today, end_date=today + timedelta(days=1), reason="Tests"
        )


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A phone's browser, with JavaScript or without: phone(javascript=False); each call another."""
    contexts = []

    def open_phone(*, javascript=True):
        context = browser.new_context(
            java_script_enabled=javascript, viewport=PHONE, is_mobile=True, has_touch=True
        )
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def axe():
    return Axe()


def assert_no_axe_violations(axe, page):
    # A navigation's URL changes as soon as the response starts: on a fast machine the test can get
    # here with the document still empty (no main landmark, no heading yet). Audit the loaded page.
    page.wait_for_load_state("load")
    # Colours are measured as painted: a message still fading in (Wagtail's admin messages do)
    # has a paler background for a moment, which axe reports as too little contrast on a slow
    # machine. Let running CSS animations and transitions end first (infinite ones are skipped).
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
            .map((a) => a.finished.catch(() => null)))"""
    )
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
