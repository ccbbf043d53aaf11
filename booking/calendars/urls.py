"""The private feed's public address (included by the project's URLs, before Wagtail's pages)."""

from django.urls import path

from .views import calendar_feed

urlpatterns = [path("<str:token>.ics", calendar_feed, name="calendar_feed")]
