"""Local development: DEBUG, console email, SQLite unless DATABASE_URL says otherwise."""

import os

from .base import *  # noqa: F403
from .base import CALENDAR_ENCRYPTION_KEYS, TASKS, calendar_key_from, env_bool, env_list

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# On, as in production, so `make run` shows the site as deployed; PAGE_CACHE_SECONDS=0 turns both
# caches off while working on templates (publishing and settings changes invalidate them either way).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600" if PAGE_CACHE_SECONDS else "0"))
# No worker to run during `make run`: emails go out inline.
TASKS = {**TASKS, "clinic": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The demo admin may skip two-step verification here (only here: DEBUG); `make run` says so.
# Anyone who sets it up (account menu > Two-step verification) is asked for a code all the same.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", False)
CALENDAR_ENCRYPTION_KEYS = CALENDAR_ENCRYPTION_KEYS or [calendar_key_from(SECRET_KEY)]
CALENDAR_ALLOW_HTTP = True
