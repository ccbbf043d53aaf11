"""The booking wing of the Wagtail admin: inbox, dashboard panel, report, audit log actions."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import (
    LOG_ANONYMISED,
    LOG_EXPORTED,
    LOG_LISTED,
    LOG_STATUS,
    LOG_VIEWED,
    DashboardPanel,
    VisitRequestViewSet,
    source_report,
)
from .models import VisitRequest
from .permissions import VisitRequestPermissionPolicy

visit_request_viewset = VisitRequestViewSet()


@hooks.register("register_admin_viewset")
def register_visit_requests():
    return visit_request_viewset


@hooks.register("construct_homepage_panels")
def add_visit_panel(request, panels):
    if VisitRequestPermissionPolicy(VisitRequest).user_has_permission(request.user, "view"):
        panels.append(DashboardPanel(request))


@hooks.register("register_log_actions")
def register_booking_log_actions(actions):
    actions.register_action(LOG_LISTED, "List visit requests", "Listed")
    actions.register_action(LOG_VIEWED, "View visit request", "Viewed")
    actions.register_action(LOG_STATUS, "Change visit request status", "Status changed")
    actions.register_action(LOG_EXPORTED, "Export visit requests", "Exported")
    actions.register_action(LOG_ANONYMISED, "Anonymise visit request", "Anonymised")


@hooks.register("register_admin_urls")
def register_report_url():
    return [path("reports/visit-sources/", source_report, name="booking_source_report")]


class SourceReportMenuItem(MenuItem):
    def is_shown(self, request):
        return VisitRequestPermissionPolicy(VisitRequest).user_has_permission(request.user, "view")


@hooks.register("register_reports_menu_item")
def register_source_report_menu_item():
    return SourceReportMenuItem(
        "Articles that bring patients",
        reverse("booking_source_report"),
        name="visit-sources",
        icon_name="doc-full",
        order=900,
    )
