"""Tests: fast hashing, in-memory cache and mail, tasks run immediately."""

import os

from .base import *  # noqa: F403
from .base import CACHES, calendar_key_from

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-process cache, unless a test runs several server processes that must share it (the base
# settings' database cache, or Redis with REDIS_URL).
if not os.environ.get("TEST_SHARED_CACHE"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off: tests share one locmem cache, and a page cached by one test would answer the next.
# The page cache's own tests turn it on.
PAGE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "clinic": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# As in production, one public origin for every absolute link: the test client's.
CLINIC_PUBLIC_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests post forms instantly and many times from one address; the tests of these guards turn
# them back on.
BOOKING_MIN_FILL_SECONDS = int(os.environ.get("BOOKING_MIN_FILL_SECONDS", "0"))
BOOKING_RATE_LIMIT = os.environ.get("BOOKING_RATE_LIMIT", "0")
BOOKING_MAX_ACTIVE_PER_CONTACT = int(os.environ.get("BOOKING_MAX_ACTIVE_PER_CONTACT", "0"))
BOOKING_SPIKE_THRESHOLD = int(os.environ.get("BOOKING_SPIKE_THRESHOLD", "0"))
# Most admin tests sign in with force_login and test something else; tests/clinic/test_two_factor.py
# turns the requirement on (production has it on: tests/clinic/test_settings_modules.py).
STAFF_2FA_REQUIRED = False
# A key of their own: real encryption, nothing to configure (production has no default key).
CALENDAR_ENCRYPTION_KEYS = [calendar_key_from(SECRET_KEY)]
CALENDAR_ALLOW_HTTP = True
