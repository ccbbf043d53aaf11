"""The system check that warns when the database cache is too small for the live pages."""

import pytest

from wagtail.models import Page

from clinic.checks import ENTRIES_PER_PAGE, check_cache_holds_the_site
from clinic.settings import base as base_settings
from tests.factories import StandardPageFactory


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


def test_is_silent_on_redis_whose_memory_bounds_it(live_pages, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
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
