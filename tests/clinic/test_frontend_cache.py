"""The front cache hears about every change that shows on pages, after it is committed.

A real HTTP server on loopback stands in for Varnish and records what it is sent."""

from __future__ import annotations

import io
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

from clinic.frontend_cache import CacheSiteMiddleware
from clinic.models import ClinicSettings
from tests import factories
from tests.booking.live_server import free_port


class Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, str, str]] = []

    def _record(self):
        self.received.append((self.command, self.path, self.headers["Host"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PURGE = do_BAN = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish(settings):
    """A recording front cache, configured as FRONTEND_CACHE_URLS would configure it."""
    Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLINIC_PUBLIC_URL = "http://localhost"  # as in production: the Site's host name
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.WAGTAILFRONTENDCACHE = {
        "varnish1": {
            "BACKEND": "clinic.frontend_cache.VarnishBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    yield Recorder.received
    server.shutdown()
    server.server_close()


BAN_SITE = ("BAN", "/", "localhost")


def test_publishing_a_page_bans_the_whole_site_once_committed(
    home, varnish, django_capture_on_commit_callbacks
):
    page = factories.StandardPageFactory(parent=home, title="About", slug="about")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert BAN_SITE in varnish


def test_publishing_a_page_purges_its_own_url(home, varnish, django_capture_on_commit_callbacks):
    page = factories.StandardPageFactory(parent=home, title="About", slug="about")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert ("PURGE", "/about/", "localhost") in varnish


def test_nothing_is_banned_before_the_transaction_commits(home, varnish, django_capture_on_commit_callbacks):
    page = factories.StandardPageFactory(parent=home, title="About", slug="about")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page.save_revision().publish()
    assert BAN_SITE not in varnish
    assert callbacks != []


def test_saving_a_draft_bans_nothing(home, varnish, django_capture_on_commit_callbacks):
    page = factories.StandardPageFactory(parent=home, title="About", slug="about")
    varnish.clear()
    page.title = "About us (draft)"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()
    assert varnish == []


def test_unpublishing_a_page_bans_the_site(home, varnish, django_capture_on_commit_callbacks):
    page = factories.StandardPageFactory(parent=home, title="About", slug="about")
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert BAN_SITE in varnish


def test_moving_a_page_bans_the_site(home, varnish, django_capture_on_commit_callbacks):
    parent = factories.StandardPageFactory(parent=home, title="Services", slug="services")
    page = factories.StandardPageFactory(parent=home, title="Hip", slug="hip")
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.move(parent, pos="last-child")
    assert BAN_SITE in varnish


def test_deleting_a_page_bans_the_site(home, varnish, django_capture_on_commit_callbacks):
    page = factories.StandardPageFactory(parent=home, title="About", slug="about")
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert BAN_SITE in varnish


def test_changing_a_team_member_bans_the_site(home, varnish, django_capture_on_commit_callbacks):
    person = factories.PersonFactory()
    varnish.clear()
    person.name = "Ashley Kranz, PT, DPT"
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    assert varnish == [BAN_SITE]


def test_changing_the_clinic_settings_bans_the_site(
    clinic_settings, varnish, django_capture_on_commit_callbacks
):
    varnish.clear()
    clinic_settings.phone = "+19545195405"
    with django_capture_on_commit_callbacks(execute=True):
        ClinicSettings.objects.get(pk=clinic_settings.pk).save()
    assert varnish == [BAN_SITE]


def test_adding_a_redirect_bans_the_site(home, varnish, django_capture_on_commit_callbacks):
    # The old URL may be cached as a 404.
    with django_capture_on_commit_callbacks(execute=True):
        Redirect.objects.create(old_path="/old-about", redirect_page=home)
    assert varnish == [BAN_SITE]


def test_editing_an_image_bans_the_site(home, varnish, django_capture_on_commit_callbacks):
    image = Image.objects.create(title="Team", file=get_test_image_file())
    varnish.clear()
    image.title = "The team"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert varnish == [BAN_SITE]


def test_a_computed_image_field_saved_while_rendering_bans_nothing(
    home, varnish, django_capture_on_commit_callbacks
):
    image = Image.objects.create(title="Team", file=get_test_image_file())
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        image.save(update_fields=["file_hash"])
    assert varnish == []


# Documents: served through /documents/, cached by Varnish like pages


@pytest.fixture
def document(db):
    return Document.objects.create(title="Exercise sheet", file=ContentFile(b"Hip bridges", name="sheet.txt"))


def test_editing_a_document_bans_the_site(home, document, varnish, django_capture_on_commit_callbacks):
    varnish.clear()
    document.title = "Exercise sheet (2026)"
    with django_capture_on_commit_callbacks(execute=True):
        document.save()
    assert varnish == [BAN_SITE]


def test_moving_a_document_to_a_private_collection_bans_the_site(
    home, document, varnish, django_capture_on_commit_callbacks
):
    private = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    varnish.clear()
    document.collection = private
    with django_capture_on_commit_callbacks(execute=True):
        document.save()
    assert varnish == [BAN_SITE]


def test_making_a_documents_collection_private_bans_the_site(
    home, document, varnish, django_capture_on_commit_callbacks
):
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        CollectionViewRestriction.objects.create(collection=document.collection, restriction_type="login")
    assert varnish == [BAN_SITE]


def test_deleting_a_document_bans_the_site(home, document, varnish, django_capture_on_commit_callbacks):
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert varnish == [BAN_SITE]


def test_a_computed_document_field_saved_while_serving_bans_nothing(
    home, document, varnish, django_capture_on_commit_callbacks
):
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        document.save(update_fields=["file_size"])
    assert varnish == []


# Every host name the site answers to


def test_the_ban_names_every_host_the_site_answers_to(
    home, settings, varnish, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["localhost", "example-clinic.com", "127.0.0.1", ".example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        factories.PersonFactory()
    assert sorted(host for method, _, host in varnish) == ["127.0.0.1", "example-clinic.com", "localhost"]


def test_responses_name_the_site_for_the_front_cache(varnish):
    response = CacheSiteMiddleware(lambda request: HttpResponse())(RequestFactory().get("/", HTTP_HOST="x"))
    assert response["X-Cache-Site"] == "localhost"


def test_without_a_front_cache_responses_name_no_site(settings):
    settings.WAGTAILFRONTENDCACHE = {}
    response = CacheSiteMiddleware(lambda request: HttpResponse())(RequestFactory().get("/"))
    assert "X-Cache-Site" not in response


def test_saving_something_no_page_shows_bans_nothing(
    home, varnish, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        django_user_model.objects.create_user(username="front-desk", password="pw-front-desk")
    assert varnish == []


def test_a_front_cache_that_is_down_is_logged_and_publishing_still_works(
    home, settings, caplog, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish1": {
            "BACKEND": "clinic.frontend_cache.VarnishBackend",
            "LOCATION": f"http://127.0.0.1:{free_port()}",  # nothing listens there
        }
    }
    page = factories.StandardPageFactory(parent=home, title="About", slug="about", live=False)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    assert page.live
    assert "Could not ban localhost from the front cache" in caplog.text


def test_the_invalidate_caches_command_bans_the_site(home, varnish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invalidate_caches", stdout=io.StringIO())
    assert varnish == [BAN_SITE]
