"""The booking wing of the Wagtail admin: inbox, dashboard panel, report, audit log actions."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from clinic.panels import OPENING_HOURS_CHECKS_HOOK

from . import audit, selectors
from .admin.dashboard import DashboardPanel
from .admin.panels import OpeningHoursCheck
from .admin.views import opening_hours_check_page, opening_hours_check_site, source_report
from .admin.viewset import VisitRequestViewSet
from .calendars import wagtail_hooks as calendar_hooks  # noqa: F401 - registers calendar sync's hooks
from .permissions import can_view_visit_requests
from .waitlist import admin as waitlist_admin

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
    for action, label, past_tense in audit.ACTIONS + waitlist_admin.ACTIONS:
        actions.register_action(action, label, past_tense)


@hooks.register("register_admin_urls")
def register_report_url():
    return [
        path("reports/visit-sources/", source_report, name="booking_source_report"),
        path("booking/waitlist/", waitlist_admin.index_view, name="booking_waitlist"),
        path("booking/waitlist/<int:pk>/offer/", waitlist_admin.offer_view, name="booking_waitlist_offer"),
        path("booking/waitlist/<int:pk>/remove/", waitlist_admin.remove_view, name="booking_waitlist_remove"),
        path(
            "booking/opening-hours-check/page/<int:page_id>/",
            opening_hours_check_page,
            name="booking_opening_hours_check_page",
        ),
        path(
            "booking/opening-hours-check/site/<int:site_id>/",
            opening_hours_check_site,
            name="booking_opening_hours_check_site",
        ),
    ]


@hooks.register(OPENING_HOURS_CHECKS_HOOK)
def booking_hours_check(request, clinic_settings):
    """Settings › Clinic warns where its opening hours and the booking page's weekly hours
    disagree, as the booking page's own editor does."""
    page = selectors.live_booking_page(clinic_settings.site)
    return OpeningHoursCheck.for_clinic(clinic_settings, page=page) if page else None


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


class WaitlistMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_visit_requests(request.user)


@hooks.register("register_admin_menu_item")
def register_waitlist_menu_item():
    return WaitlistMenuItem(
        "Waitlist", reverse("booking_waitlist"), name="waitlist", icon_name="time", order=151
    )


# The move picker and the opening hours check, on the screens that have them (the script looks for
# them and does nothing elsewhere): one small file each, cached, on every admin page.
@hooks.register("insert_global_admin_js")
def booking_admin_js():
    return format_html('<script src="{}" defer></script>', static("js/booking-admin.js"))


@hooks.register("insert_global_admin_css")
def booking_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/booking-admin.css"))
