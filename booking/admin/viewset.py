"""The visit requests inbox as a Wagtail viewset, and its menu item with live counts."""

import copy

from django.urls import path

from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from .. import selectors
from ..models import VisitRequest
from ..permissions import can_view_visit_requests
from .columns import EXPORT_FIELDS, EXPORT_HEADINGS, INSPECT_FIELDS, LIST_COLUMNS, PATIENT_FIELDS
from .exports import spreadsheet_export_download, spreadsheet_export_view
from .filters import VisitRequestFilterSet
from .forms import PATIENT_EMAILED, VisitRequestAdminForm, VisitRequestSummaryPanel
from .views import (
    VisitRequestEditView,
    VisitRequestIndexView,
    VisitRequestInspectView,
    anonymise_view,
    move_times_view,
    outcome_view,
)

MENU_LABEL = "Visit requests"


def menu_label(*, new: int, failed: int) -> str:
    """'Visit requests (3 new, 2 emails failed)', or just 'Visit requests' when all is quiet."""
    counts = [f"{new} new"] if new else []
    counts += [f"{failed} email{'s' if failed > 1 else ''} failed"] if failed else []
    return f"{MENU_LABEL} ({', '.join(counts)})" if counts else MENU_LABEL


class VisitRequestMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_visit_requests(request.user)

    def render_component(self, request):
        # Wagtail builds this item once per process and shares it between requests (and threads),
        # so the counts go on a copy made for this request, never on the shared item.
        item = copy.copy(self)
        item.label = menu_label(
            new=selectors.new_visit_request_count(), failed=selectors.failed_notification_count()
        )
        return super(VisitRequestMenuItem, item).render_component(request)


class VisitRequestViewSet(ModelViewSet):
    model = VisitRequest
    icon = "date"
    menu_label = MENU_LABEL
    menu_item_class = VisitRequestMenuItem
    menu_order = 150
    add_to_admin_menu = True
    name = "visit_requests"
    url_prefix = "visit-requests"
    index_view_class = VisitRequestIndexView
    inspect_view_class = VisitRequestInspectView
    edit_view_class = VisitRequestEditView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = VisitRequestFilterSet
    search_fields = PATIENT_FIELDS
    search_backend_name = None
    list_per_page = 50
    ordering = ["-created_at"]
    list_display = LIST_COLUMNS
    list_export = EXPORT_FIELDS
    export_headings = EXPORT_HEADINGS
    export_filename = "visit-requests"
    inspect_view_fields = INSPECT_FIELDS
    edit_handler = ObjectList(
        [
            VisitRequestSummaryPanel(heading="This request"),
            FieldPanel("status", help_text=PATIENT_EMAILED),
            FieldPanel("new_time"),
            FieldPanel("staff_notes"),
        ],
        base_form_class=VisitRequestAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("anonymise/<int:pk>/", anonymise_view, name="anonymise"),
            path("move-times/<int:pk>/", move_times_view, name="move_times"),
            path("outcome/<int:pk>/", outcome_view, name="outcome"),
            path("exports/<int:pk>/", spreadsheet_export_view, name="spreadsheet_export"),
            path(
                "exports/<int:pk>/download/",
                spreadsheet_export_download,
                name="spreadsheet_export_download",
            ),
        ]
