"""The booking wing of the Wagtail admin: inbox, dashboard panel, report, audit log actions."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import audit
from .admin.dashboard import DashboardPanel
from .admin.views import source_report
from .admin.viewset import VisitRequestViewSet
from .calendars import wagtail_hooks as calendar_hooks  # noqa: F401 - registers calendar sync's hooks
from .permissions import can_view_visit_requests

visit_request_viewset = VisitRequestViewSet()


@hooks.register("register_admin_viewset")
def register_visit_requests():
    return visit_request_viewset


@hooks.register("construct_homepage_panels")
def add_visit_panel(request, panels):
    if can_view_visit_requests(request.user):
        panels.append(DashboardPanel(request))


@hooks.register("register_log_actions")
def register_booking_log_actions(actions):
    for action, label, past_tense in audit.ACTIONS:
        actions.register_action(action, label, past_tense)


@hooks.register("register_admin_urls")
def register_report_url():
    return [path("reports/visit-sources/", source_report, name="booking_source_report")]


class SourceReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_visit_requests(request.user)


@hooks.register("register_reports_menu_item")
def register_source_report_menu_item():
    return SourceReportMenuItem(
        "Articles that bring patients",
        reverse("booking_source_report"),
        name="visit-sources",
        icon_name="doc-full",
        order=900,
    )
