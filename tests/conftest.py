"""Shared fixtures: a clinic site built from factories, and staff users."""

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from wagtail.models import Page, Site

from booking.models import BookingSettings
from clinic.models import ClinicSettings
from tests import factories

# Playwright runs an event loop in the test thread; Django's database access from that thread is
# then refused without this (see shared/MACHINE.md). Django reads it at call time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Compile the translation catalogs (locale/*/LC_MESSAGES/*.po) the tests render in, as CI
    and `make run` do; once, before any worker starts, and only those that changed."""
    if hasattr(config, "workerinput") or not shutil.which("msgfmt"):
        return
    for po in (Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        partial = mo.with_suffix(".mo.partial")
        subprocess.run(["msgfmt", "--check", "-o", str(partial), str(po)], check=True)  # noqa: S603, S607
        partial.replace(mo)


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """live_server's threads share the one connection of the in-memory SQLite test database, so two
    requests at once (a page's preview and its checks panel) could start a transaction inside the
    other's ("cannot start a transaction within a transaction"). Connections stay threaded;
    requests enter Django one at a time."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _live_server_requests_one_at_a_time_on_sqlite():
    if connection.vendor == "sqlite":
        LiveServerThread.server_class = OneRequestAtATimeServer
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: ids repeat from test to test (rolled back), and the
    locmem cache would otherwise hand one test another's renditions, menu or rate-limit counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    """A published HomePage as the default site's root, with the clinic's settings filled in."""
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = factories.HomePageFactory(parent=root, slug="home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Test Clinic"},
    )
    factories.ClinicSettingsFactory(site=Site.objects.get(is_default_site=True))
    return home


@pytest.fixture
def clinic_settings(home) -> ClinicSettings:
    return ClinicSettings.objects.get(site__is_default_site=True)


@pytest.fixture
def demo_site(db):
    """The whole demo clinic, as `make run` builds it, without the notice window for changes:
    tests move and cancel the first free times, which can be within a day of now (the window's
    own tests turn it on)."""
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    site = Site.objects.get(is_default_site=True)
    BookingSettings.objects.filter(site=site).update(change_notice_hours=0)
    return site


def _staff_user(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _staff_user(django_user_model, "editor", "Editors")


@pytest.fixture
def moderator(db, django_user_model):
    return _staff_user(django_user_model, "moderator", "Moderators")
