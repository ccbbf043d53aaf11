"""The private feed's public address (included by the project's URLs, before Wagtail's pages).

Only what a token can look like reaches the view (and the database: PostgreSQL refuses a NUL)."""

from django.urls import re_path

from .views import calendar_feed

urlpatterns = [re_path(r"^(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", calendar_feed, name="calendar_feed")]
