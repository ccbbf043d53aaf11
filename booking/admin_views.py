"""The staff inbox for visit requests in the Wagtail admin: list, filters, search, export,
detail and status changes. Every view, change and export goes to Wagtail's audit log."""

from datetime import timedelta

import django_filters

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Page

from clinic.models import CareArea

from . import services
from .models import Notification, VisitRequest
from .permissions import VisitRequestPermissionPolicy

LOG_LISTED = "booking.visit_request.listed"
LOG_VIEWED = "booking.visit_request.viewed"
LOG_STATUS = "booking.visit_request.status_changed"
LOG_EXPORTED = "booking.visit_request.exported"
LOG_ANONYMISED = "booking.visit_request.anonymised"


def audit_title(visit_request: VisitRequest) -> str:
    # The audit log's label: no name, so the log itself holds no patient data.
    return f"Visit request #{visit_request.pk}"


def _failed_notifications():
    return Notification.objects.filter(visit_request=OuterRef("pk"), status=Notification.Status.FAILED)


class VisitRequestFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=VisitRequest.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    slot_start = django_filters.DateFromToRangeFilter(label="Visit date", widget=DateRangePickerWidget)
    concern = django_filters.ModelChoiceFilter(queryset=CareArea.objects.all(), empty_label="Any concern")
    email_failed = django_filters.BooleanFilter(label="An email failed", method="filter_email_failed")

    class Meta:
        model = VisitRequest
        fields = ["status", "slot_start", "concern"]

    def filter_email_failed(self, queryset, name, value):
        if value is None:
            return queryset
        exists = Exists(_failed_notifications())
        return queryset.filter(exists) if value else queryset.exclude(exists)


def _csv_safe(value):
    # Spreadsheet apps run cells starting with = + - @ as formulas; patients type into these.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class VisitRequestIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("concern", "source_page")

    def render_to_response(self, context, **response_kwargs):
        rows = list(context["object_list"])
        if self.is_export:
            if not self.permission_policy.user_has_permission(self.request.user, "export"):
                raise PermissionDenied
            self._log_rows(rows, LOG_EXPORTED, {"format": self.request.GET.get("export"), "rows": len(rows)})
            return self.as_spreadsheet(rows, self.request.GET.get("export"))
        # The list shows names and contact details, so who saw which requests is logged as well.
        self._log_rows(rows, LOG_LISTED, {"rows": len(rows)})
        return super().render_to_response(context, **response_kwargs)

    def _log_rows(self, rows, action: str, data: dict) -> None:
        ModelLogEntry.objects.bulk_create(
            ModelLogEntry(
                content_type_id=self._content_type_id(),
                object_id=str(row.pk),
                label=audit_title(row),
                action=action,
                data=data,
                timestamp=timezone.now(),
                user=self.request.user,
            )
            for row in rows
        )

    def _content_type_id(self):
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_model(VisitRequest).pk

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return _csv_safe(value) if isinstance(value, str) else value

    @property
    def show_export_buttons(self):
        return bool(self.list_export) and self.permission_policy.user_has_permission(
            self.request.user, "export"
        )


class VisitRequestInspectView(InspectView):
    def get(self, request, *args, **kwargs):
        log(instance=self.object, action=LOG_VIEWED, user=request.user, title=audit_title(self.object))
        return super().get(request, *args, **kwargs)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if not self.object.anonymised_at and self.user_has_permission("change"):
            url = reverse("visit_requests:anonymise", args=[self.object.pk])
            buttons.append(Button("Anonymise now", url=url, icon_name="bin", priority=30))
        return buttons


class VisitRequestEditView(EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # EditView only fetches the object inside get()/post(); the GET audit entry needs it first.
        self.object = self.get_object()

    def get(self, request, *args, **kwargs):
        log(instance=self.object, action=LOG_VIEWED, user=request.user, title=audit_title(self.object))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        before = VisitRequest.objects.get(pk=self.object.pk)
        try:
            self.object = services.visit_request_set_status(
                visit_request=before,
                status=form.cleaned_data["status"],
                staff_notes=form.cleaned_data["staff_notes"],
            )
        except services.BookingError as error:
            form.add_error("status", str(error))
            return self.form_invalid(form)
        log(
            instance=self.object,
            action=LOG_STATUS,
            user=self.request.user,
            title=audit_title(self.object),
            data={
                "from": before.status,
                "to": self.object.status,
                "notes_changed": before.staff_notes != self.object.staff_notes,
            },
        )
        return self.save_action()


def anonymise_view(request, pk):
    """A patient asked to have their details removed before the retention period is up."""
    policy = VisitRequestPermissionPolicy(VisitRequest)
    if not policy.user_has_permission(request.user, "change"):
        raise PermissionDenied
    visit_request = get_object_or_404(VisitRequest, pk=pk)
    if request.method == "POST":
        services.visit_request_anonymise(visit_request=visit_request)
        log(
            instance=visit_request, action=LOG_ANONYMISED, user=request.user, title=audit_title(visit_request)
        )
        messages.success(request, f"{audit_title(visit_request)} is anonymised.")
        return redirect("visit_requests:inspect", pk)
    return TemplateResponse(
        request,
        "booking/admin/confirm_anonymise.html",
        {"visit_request": visit_request, "title": audit_title(visit_request)},
    )


class VisitRequestViewSet(ModelViewSet):
    model = VisitRequest
    icon = "date"
    menu_label = "Visit requests"
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
    search_fields = ["first_name", "last_name", "email", "phone"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-created_at"]
    list_display = [
        TitleColumn("full_name", label="Name", url_name="visit_requests:inspect"),
        Column("status", label="Status", accessor="get_status_display"),
        Column("when", label="Visit", accessor="when_display"),
        Column("concern", label="Concern", accessor="concern_label"),
        Column("race", label="Race", accessor="race_label"),
        Column("source", label="Source article", accessor="source_title"),
        Column("age", label="Received", accessor="age"),
    ]
    list_export = [
        "pk",
        "status",
        "when_display",
        "first_name",
        "last_name",
        "email",
        "phone",
        "concern_label",
        "race_date",
        "preferred_contact",
        "preferred_times",
        "note",
        "source_title",
        "created_at",
    ]
    export_headings = {
        "pk": "ID",
        "status": "Status",
        "when_display": "Visit",
        "concern_label": "Concern",
        "source_title": "Source article",
        "created_at": "Received (UTC)",
    }
    export_filename = "visit-requests"
    inspect_view_fields = [
        "status",
        "when_display",
        "notification_summary",
        "preferred_times",
        "first_name",
        "last_name",
        "email",
        "phone",
        "preferred_contact",
        "concern",
        "concern_other",
        "race_date",
        "note",
        "source_page",
        "consented_at",
        "created_at",
        "staff_notes",
    ]
    panels = [FieldPanel("status"), FieldPanel("staff_notes")]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("anonymise/<int:pk>/", anonymise_view, name="anonymise")]

    @property
    def menu_item_class(self):
        viewset = self

        class VisitRequestMenuItem(MenuItem):
            def is_shown(self, request):
                return viewset.permission_policy.user_has_permission(request.user, "view")

            def render_component(self, request):
                new = VisitRequest.objects.filter(status=VisitRequest.Status.NEW, anonymised_at=None).count()
                failed = Notification.objects.filter(status=Notification.Status.FAILED).count()
                counts = [f"{new} new"] if new else []
                counts += [f"{failed} email{'s' if failed > 1 else ''} failed"] if failed else []
                self.label = f"Visit requests ({', '.join(counts)})" if counts else "Visit requests"
                return super().render_component(request)

        return VisitRequestMenuItem


class DashboardPanel(Component):
    """Today's and upcoming visits, new requests, and emails that failed for good."""

    name = "visit_requests"
    order = 50
    template_name = "booking/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        now = timezone.now()
        today = timezone.localdate()
        active = VisitRequest.objects.filter(
            status__in=VisitRequest.ACTIVE_STATUSES, slot_start__isnull=False
        ).order_by("slot_start")
        start_of_today = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
        return {
            "today": active.filter(
                slot_start__gte=start_of_today, slot_start__lt=start_of_today + timedelta(days=1)
            ),
            "upcoming": active.filter(
                slot_start__gte=start_of_today + timedelta(days=1), slot_start__lt=now + timedelta(days=7)
            )[:20],
            "new_count": VisitRequest.objects.filter(
                status=VisitRequest.Status.NEW, anonymised_at__isnull=True
            ).count(),
            "failed": VisitRequest.objects.filter(Exists(_failed_notifications())).distinct()[:20],
        }


def source_report_rows() -> list[dict]:
    """Requests per source page per month, newest month first (anonymised requests count too)."""
    rows = (
        VisitRequest.objects.annotate(month=TruncMonth("created_at"))
        .values("month", "source_page")
        .annotate(requests=Count("pk"))
        .order_by("-month", "-requests")
    )
    titles = dict(Page.objects.filter(pk__in={r["source_page"] for r in rows}).values_list("pk", "title"))
    return [
        {
            "month": r["month"],
            "source": titles.get(r["source_page"], "Deleted page")
            if r["source_page"]
            else "Direct / unknown",
            "requests": r["requests"],
        }
        for r in rows
    ]


def source_report(request):
    """Which articles bring patients: a table per month and a bar chart of the top sources."""
    if not VisitRequestPermissionPolicy(VisitRequest).user_has_permission(request.user, "view"):
        raise PermissionDenied
    rows = source_report_rows()
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["source"]] = totals.get(row["source"], 0) + row["requests"]
    top = sorted(totals.items(), key=lambda item: -item[1])[:10]
    biggest = max((n for _, n in top), default=1)
    bar_height = 28
    chart = [
        {"label": label, "count": n, "width": round(60 * n / biggest, 1), "y": i * bar_height}
        for i, (label, n) in enumerate(top)
    ]
    return TemplateResponse(
        request,
        "booking/admin/source_report.html",
        {"rows": rows, "chart": chart, "chart_height": max(len(top), 1) * bar_height},
    )
