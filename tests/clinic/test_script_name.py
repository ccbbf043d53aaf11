"""A `SCRIPT_NAME` sent as a request header (gunicorn used to trust it from loopback, and Varnish
passed it on) decides nothing: the site's script name is fixed by configuration, and every cache
key and middleware decides on `path_info`.

Requests go through Django's WSGI handler, as under gunicorn (the test client does not set the
script prefix that `reverse()` and Wagtail's page URLs use), with the environ gunicorn built from
the header: `GET /privacy/` with `SCRIPT_NAME: /privacy` reached Django as SCRIPT_NAME=/privacy,
PATH_INFO=/."""

import io

import pytest

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import get_script_prefix, set_script_prefix

from clinic import page_cache
from clinic.middleware import (
    ADMIN_CONTENT_SECURITY_POLICY,
    CONTENT_SECURITY_POLICY,
    SecurityHeadersMiddleware,
)
from clinic.serving import SiteLookupMiddleware
from tests.factories import DiscoveryVisitPageFactory, StandardPageFactory


@pytest.fixture
def pages(home, clinic_settings):
    booking = DiscoveryVisitPageFactory(parent=home, show_in_menus=True)
    privacy = StandardPageFactory(parent=home, title="Privacy policy", slug="privacy", show_in_menus=True)
    clinic_settings.appointment_page = booking
    clinic_settings.privacy_page = privacy
    clinic_settings.save()
    return booking, privacy


def served(path: str, *, script_name: str = "") -> str:
    """The page Django's WSGI handler serves for this environ."""
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    # As Django's test client: the test's transaction must outlive the request. The handler sets
    # the thread's script prefix; later tests must not inherit it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    prefix = get_script_prefix()
    try:
        response = WSGIHandler()(environ, lambda status, headers, exc_info=None: None)
        try:
            return b"".join(response).decode()
        finally:
            response.close()
    finally:
        set_script_prefix(prefix)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_script_name_is_fixed_by_configuration(settings):
    # Django's own rule: FORCE_SCRIPT_NAME, when not None, replaces whatever the server says.
    assert settings.FORCE_SCRIPT_NAME == ""


def test_a_forged_script_name_does_not_store_another_page_under_a_url(settings, pages):
    settings.PAGE_CACHE_SECONDS = 60
    served("/", script_name="/privacy")  # gunicorn's environ for GET /privacy/ + SCRIPT_NAME: /privacy
    assert "<h1>Privacy policy</h1>" in served("/privacy/")


def test_a_forged_script_name_does_not_reach_the_cached_menu_and_footer(settings, pages):
    settings.FRAGMENT_CACHE_SECONDS = 60
    served("/privacy/", script_name="/x")  # the first request after a content change
    page = served("/")
    assert 'href="/book/"' in page
    assert 'href="/x/' not in page


def test_a_forged_script_name_does_not_reach_the_cached_page(settings, pages):
    settings.PAGE_CACHE_SECONDS = 60
    served("/privacy/", script_name="/x")
    page = served("/privacy/")
    assert 'href="/x/' not in page


# Decided on path_info even if the fixed script name were lost from the settings


@pytest.fixture
def script_name_from_the_server(settings):
    settings.FORCE_SCRIPT_NAME = None


def test_the_page_cache_keys_on_path_info(script_name_from_the_server):
    request = RequestFactory().get("/about/", SCRIPT_NAME="/x")
    assert page_cache.base_key(request) == "pagecache:http://testserver/about/"


def test_the_admin_is_never_page_cached_whatever_the_script_name(script_name_from_the_server):
    request = RequestFactory().get("/admin/", SCRIPT_NAME="/x")
    assert page_cache.cacheable_request(request) is False


def test_documents_are_never_page_cached_whatever_the_script_name(script_name_from_the_server):
    request = RequestFactory().get("/documents/1/plan.pdf", SCRIPT_NAME="/x")
    assert page_cache.cacheable_request(request) is False


def test_the_site_lookup_leaves_the_admin_alone_whatever_the_script_name(
    script_name_from_the_server, settings, home
):
    settings.FRAGMENT_CACHE_SECONDS = 60
    request = RequestFactory().get("/admin/", SCRIPT_NAME="/x")
    SiteLookupMiddleware(lambda request: HttpResponse())(request)
    assert not hasattr(request, "_wagtail_site")


def security_headers(request) -> HttpResponse:
    return SecurityHeadersMiddleware(lambda request: HttpResponse())(request)


def test_the_admin_gets_its_policy_whatever_the_script_name(script_name_from_the_server):
    request = RequestFactory().get("/admin/", SCRIPT_NAME="/x")
    assert security_headers(request)["Content-Security-Policy"] == ADMIN_CONTENT_SECURITY_POLICY


def test_a_public_page_gets_the_strict_policy_under_a_forged_admin_script_name(script_name_from_the_server):
    request = RequestFactory().get("/about/", SCRIPT_NAME="/admin")
    assert security_headers(request)["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
