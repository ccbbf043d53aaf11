"""The system check that warns when the shared cache (the database cache, or Redis) is too small
for the live pages."""

import pytest

from wagtail.models import Page

from clinic.checks import ENTRIES_PER_PAGE, check_cache_holds_the_site, redis_bytes_needed
from clinic.settings import base as base_settings
from tests.factories import StandardPageFactory
from tests.scale.services import redis_server


def database_cache(max_entries: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clinic_cache",
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
    }


@pytest.fixture
def live_pages(home, settings):
    settings.DEBUG = False
    for n in range(3):
        StandardPageFactory(parent=home, slug=f"page-{n}")
    return Page.objects.live().count()


def test_warns_when_the_database_cache_cannot_hold_a_page_and_its_fragments_each(live_pages, settings):
    settings.CACHES = database_cache(live_pages * ENTRIES_PER_PAGE - 1)
    (warning,) = check_cache_holds_the_site(databases=["default"])
    assert warning.id == "clinic.W001"
    assert f"at least {live_pages * ENTRIES_PER_PAGE}" in warning.hint


def test_is_silent_when_the_database_cache_holds_the_site(live_pages, settings):
    settings.CACHES = database_cache(live_pages * ENTRIES_PER_PAGE)
    assert check_cache_holds_the_site(databases=["default"]) == []


def redis_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "clinic.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_warns_when_redis_memory_cannot_hold_the_live_pages(live_pages, settings):
    with redis_server() as client:
        settings.CACHES = redis_cache(client.connection_pool.connection_kwargs["port"])
        assert check_cache_holds_the_site(databases=["default"]) == []  # deploy/redis.conf: 256 MB
        client.config_set("maxmemory", redis_bytes_needed(live_pages) - 1)
        (warning,) = check_cache_holds_the_site(databases=["default"])
        assert warning.id == "clinic.W002"
        assert "Set maxmemory to at least 1mb" in warning.hint
        client.config_set("maxmemory", 0)  # no bound at all: a different problem, not this one
        assert check_cache_holds_the_site(databases=["default"]) == []


def test_is_silent_when_redis_cannot_be_reached(live_pages, settings):
    settings.CACHES = redis_cache(1)
    assert check_cache_holds_the_site(databases=["default"]) == []


def test_is_silent_in_development(live_pages, settings):
    settings.DEBUG = True
    settings.CACHES = database_cache(1)
    assert check_cache_holds_the_site(databases=["default"]) == []


def test_production_defaults_hold_a_five_thousand_article_site():
    options = base_settings.CACHES["default"].get("OPTIONS", {})
    if "MAX_ENTRIES" not in options:
        pytest.skip("REDIS_URL is set: the database cache is not the default here")
    assert options["MAX_ENTRIES"] >= 5_010 * ENTRIES_PER_PAGE
