"""Calendar sync in the Wagtail admin: the calendar screen and its actions, a panel on the
account screen, and the dashboard's calendar alerts. Imported by booking/wagtail_hooks.py."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.views.account import BaseSettingsPanel, SettingsTab

from ..permissions import can_view_visit_requests
from . import selectors, views
from .feed import feed_url
from .forms import ConnectForm
from .models import CalendarConnection, CalendarFeed

calendar_tab = SettingsTab("calendar", _("Calendar"), order=150)


@hooks.register("register_admin_urls")
def register_calendar_urls():
    return [
        path("calendar/", views.settings_view, name="calendar_settings"),
        path("calendar/feed/<str:action>/", views.feed_action, name="calendar_feed_action"),
        path("calendar/disconnect/", views.disconnect, name="calendar_disconnect"),
        path("calendar/sync/", views.sync_now, name="calendar_sync_now"),
        path("calendar/alerts/<int:pk>/resolve/", views.resolve_alert, name="calendar_alert_resolve"),
    ]


class CalendarSettingsPanel(BaseSettingsPanel):
    """On Account: the feed address and the connected calendar at a glance, with a link to the
    calendar screen where they are changed (the account form itself saves nothing here)."""

    name = "calendar"
    title = _("Your calendar")
    tab = calendar_tab
    order = 100
    template_name = "booking/calendars/account_panel.html"
    form_class = ConnectForm

    def is_active(self):
        return can_view_visit_requests(self.user)

    def get_form(self):
        # Never bound: the account screen's Save must not try to connect a calendar.
        return self.form_class(prefix=self.name)

    def get_context_data(self):
        feed = CalendarFeed.objects.filter(user=self.user).first()
        return {
            "feed_https": feed_url(feed, self.request) if feed else "",
            "feed_webcal": feed_url(feed, self.request, scheme="webcal") if feed else "",
            "connection": CalendarConnection.objects.filter(user=self.user).first(),
            "settings_url": reverse("calendar_settings"),
        }


@hooks.register("register_account_settings_panel")
def register_calendar_panel(request, user, profile):
    return CalendarSettingsPanel(request, user, profile)


@hooks.register("register_account_menu_item")
def calendar_account_item(request):
    if not can_view_visit_requests(request.user):
        return None
    return {
        "url": reverse("calendar_settings"),
        "label": _("Calendar feed and sync"),
        "help_text": _("Subscribe to your visits in any calendar app, or connect your own calendar."),
    }


class CalendarAlertsPanel(Component):
    """Visits that a calendar says need a look, and calendars that stopped syncing."""

    name = "calendar_alerts"
    order = 40
    template_name = "booking/calendars/dashboard_panel.html"

    def __init__(self, alerts, problems):
        self.alerts = alerts
        self.problems = problems

    def get_context_data(self, parent_context=None):
        return {"alerts": self.alerts, "problems": self.problems}


@hooks.register("construct_homepage_panels")
def add_calendar_alerts_panel(request, panels):
    if not can_view_visit_requests(request.user):
        return
    alerts = list(selectors.open_alerts()[:50])
    problems = selectors.connection_problems()
    if alerts or problems:
        panels.append(CalendarAlertsPanel(alerts, problems))
