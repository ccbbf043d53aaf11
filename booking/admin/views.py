"""The staff inbox's views: list (with export), detail, status change, anonymise, and the
source report. Thin: reads come from selectors, writes go through services, and every look,
change and export goes to the audit log."""

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.widgets import Button
from wagtail.models import Site

from clinic.models import ClinicSettings

from .. import audit, errors, selectors, services
from ..formatting import clinic_wall_time, spreadsheet_safe, visit_time, zone_label
from ..models import DiscoveryVisitPage, VisitRequest
from ..permissions import can_change_visit_requests, can_export_visit_requests, can_view_visit_requests
from ..picker import build_picker, parse_day
from .columns import EXPORT_COMPUTED, INSPECT_COMPUTED
from .exports import EXPORT_CHUNK_SIZE, spreadsheet_export_start
from .forms import move_slots
from .panels import OpeningHoursCheck, opening_hours_from_form, weekly_hours_from_form
from .reports import source_chart


def xlsx_clinic_time_format() -> str:
    """An XLSX date cell's format that names the clinic's zone: "Sun 6 Dec 2026, 7:35 PM ET"."""
    return f'ddd d mmm yyyy, h:mm AM/PM "{zone_label(timezone.now())}"'


# CSV rows sent to the client at a time (about 80 kB).
CSV_ROWS_PER_CHUNK = 500


class VisitRequestIndexView(IndexView):
    # Received (and any other moment) in the clinic's time: text naming the zone in CSV; in XLSX
    # a date cell, which sorts and filters, in the clinic's wall-clock time (Wagtail's would be UTC).
    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        datetime: {IndexView.FORMAT_CSV: visit_time, IndexView.FORMAT_XLSX: clinic_wall_time},
    }

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("concern", "source_page")

    def get_export_queryset(self):
        """The rows as listed, with each source article's title alone rather than its whole page
        (a Wagtail page per row was a tenth of a large export's time)."""
        return (
            self.get_queryset()
            .select_related(None)
            .select_related("concern")
            .annotate(source_page_title=F("source_page__title"))
        )

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        # The "same patient?" flag: each row's other active requests, one query for the page.
        rows = list(rows)
        others = selectors.other_active_requests(rows)
        # Who came: each row's contact's no-shows, one query for the page.
        no_shows = selectors.no_show_counts(rows)
        for row in rows:
            row.other_active_requests = others.get(row.pk, [])
            row.no_show_count = no_shows.get(row.pk, 0)
        page.object_list = rows
        return paginator, page, rows, is_paginated

    def get(self, request, *args, **kwargs):
        if not self.is_export:
            return super().get(request, *args, **kwargs)
        # An export skips the listing's context (its table, counts and "same patient?" lookups,
        # which would read every row into memory first): CSV streams the filtered rows, XLSX is
        # built by the task worker (exports.py) and the staff member is shown where it will be.
        if not can_export_visit_requests(request.user):
            raise PermissionDenied
        export_format = request.GET.get("export")
        queryset = self.get_export_queryset()
        audit.log_visit_request_export(
            action=audit.LOG_EXPORTED,
            user=request.user,
            data={
                "format": export_format,
                "rows": queryset.count(),
                "filters": self.export_filters(),
                # Whether a search narrowed it, never what was typed: a name or a phone number.
                "searched": self.is_searching,
            },
        )
        if export_format == self.FORMAT_XLSX:
            export = spreadsheet_export_start(user=request.user, query=request.GET)
            return redirect("visit_requests:spreadsheet_export", export.pk)
        return self.as_spreadsheet(queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE), export_format)

    def export_filters(self) -> dict:
        """The inbox filters in use, as typed in the query string (codes and ids, no patient data)."""
        if not (self.filters and self.filters.is_valid()):
            return {}
        form = self.filters.form
        return {name: form[name].value() for name in form.changed_data}

    def render_to_response(self, context, **response_kwargs):
        # The list shows names and contact details, so who saw which requests is logged as well.
        rows = list(context["object_list"])
        audit.log_visit_requests(
            rows, action=audit.LOG_LISTED, user=self.request.user, data={"rows": len(rows)}
        )
        return super().render_to_response(context, **response_kwargs)

    @cached_property
    def export_getters(self) -> list[tuple[str, Callable]]:
        # Each column's reader, found once per export rather than once per cell.
        return [
            (field, EXPORT_COMPUTED[field][1] if field in EXPORT_COMPUTED else attrgetter(field))
            for field in self.list_export
        ]

    def to_row_dict(self, item):
        return {field: getter(item) for field, getter in self.export_getters}

    def stream_csv(self, queryset):
        # Rows go out a few hundred at a time: a chunk per row made 50,000 writes to the socket.
        batch = []
        for line in super().stream_csv(queryset):
            batch.append(line)
            if len(batch) >= CSV_ROWS_PER_CHUNK:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)

    def get_heading(self, queryset, field):
        # The rows come as an iterator; Wagtail reads labels from a queryset's model and,
        # without one, falls back to raw names such as "first_name".
        return super().get_heading(self.model.objects.none(), field)

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(selectors.visit_request_search(self.search_query))

    def preprocess_field_value(self, field, value, export_format):
        if type(value) is str:
            # Most cells are text, which Wagtail passes through force_str after looking for a
            # preprocessing function (a dozen isinstance checks and a partial per cell, a fifth of
            # a large export's time): go straight to the end.
            return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value
        value = super().preprocess_field_value(field, value, export_format)
        if export_format != self.FORMAT_CSV or not isinstance(value, str):
            return value  # XLSX: Wagtail writes every string as text, never as a formula
        return spreadsheet_safe(value)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            if isinstance(cell.value, datetime):
                cell.number_format = xlsx_clinic_time_format()
            yield cell

    @property
    def show_export_buttons(self):
        return bool(self.list_export) and can_export_visit_requests(self.request.user)


class VisitRequestInspectView(InspectView):
    def get(self, request, *args, **kwargs):
        audit.log_visit_request(self.object, action=audit.LOG_VIEWED, user=request.user)
        return super().get(request, *args, **kwargs)

    def get_field_label(self, field_name, field):
        if field_name in INSPECT_COMPUTED:
            return INSPECT_COMPUTED[field_name][0]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name in INSPECT_COMPUTED:
            return INSPECT_COMPUTED[field_name][1](self.object)
        return super().get_field_display_value(field_name, field)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if not self.object.anonymised_at and can_change_visit_requests(self.request.user):
            url = reverse("visit_requests:anonymise", args=[self.object.pk])
            buttons.append(Button("Anonymise now", url=url, icon_name="bin", priority=30))
        return buttons


class VisitRequestEditView(EditView):
    def get(self, request, *args, **kwargs):
        # The object is fetched in super().get(), after the permission check: log once it is.
        response = super().get(request, *args, **kwargs)
        audit.log_visit_request(self.object, action=audit.LOG_VIEWED, user=request.user)
        return response

    def get_form_kwargs(self):
        # The move picker's open day: a day link (?day=) without JavaScript.
        return {**super().get_form_kwargs(), "move_day": parse_day(self.request.GET.get("day"))}

    def form_valid(self, form):
        before = VisitRequest.objects.get(pk=self.object.pk)
        earlier = set(before.notifications.values_list("pk", flat=True))
        new_time = form.cleaned_data["new_time"]
        try:
            self.object = services.visit_request_update(
                visit_request=before,
                status=form.cleaned_data["status"],
                staff_notes=form.cleaned_data["staff_notes"],
                slot_start=new_time,
            )
        except errors.BookingError as error:
            form.add_error("new_time" if new_time else "status", str(error))
            return self.form_invalid(form)
        self.emailed = [n for n in self.object.notifications.all() if n.pk not in earlier]
        audit.log_visit_request(
            self.object,
            action=audit.LOG_STATUS,
            user=self.request.user,
            data={
                "from": before.status,
                "to": self.object.status,
                "moved": self.object.slot_start != before.slot_start,
                "notes_changed": before.staff_notes != self.object.staff_notes,
                "emailed": [n.kind for n in self.emailed],
            },
        )
        return self.save_action()

    def get_success_message(self):
        message = super().get_success_message()
        emails = ", ".join(f"“{n.get_kind_display()}”" for n in self.emailed)
        return f"{message} The patient will get the {emails} email." if emails else message


def move_times_view(request, pk):
    """One day's free times for the edit form's move picker, for js/booking-admin.js to show in
    place (the day links work without it)."""
    if not can_change_visit_requests(request.user):
        raise PermissionDenied
    visit_request = get_object_or_404(VisitRequest, pk=pk)
    day = parse_day(request.GET.get("day"))
    picker = build_picker(move_slots(visit_request), tz=timezone.get_default_timezone(), requested_day=day)
    if day is None or picker.open_day != day:
        return HttpResponse("No free times on that day.", status=404, content_type="text/plain")
    return TemplateResponse(request, "booking/admin/move_day.html", {"picker": picker, "name": "new_time"})


CHECK_RESULT = "booking/admin/opening_hours_check_result.html"


def opening_hours_check_page(request, page_id):
    """The booking page editor's opening hours check, for its weekly hours as they are being
    edited (the form's fields in the query string), before anything is saved."""
    page = get_object_or_404(DiscoveryVisitPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    check = OpeningHoursCheck.for_page(page, bookable=weekly_hours_from_form(request.GET))
    return TemplateResponse(
        request, "booking/admin/opening_hours_check_result.html", check.get_context_data()
    )


def opening_hours_check_site(request, site_id):
    """The clinic settings' opening hours check, for the opening hours as they are being edited."""
    if not request.user.has_perm("clinic.change_clinicsettings"):
        raise PermissionDenied
    site = get_object_or_404(Site, pk=site_id)
    page = selectors.live_booking_page(site)
    if page is None:
        return HttpResponse("This site has no booking page.", status=404, content_type="text/plain")
    check = OpeningHoursCheck.for_clinic(
        ClinicSettings.for_site(site), page=page, opening=opening_hours_from_form(request.GET)
    )
    return TemplateResponse(
        request, "booking/admin/opening_hours_check_result.html", check.get_context_data()
    )


def anonymise_view(request, pk):
    """A patient asked to have their details removed before the retention period is up."""
    if not can_change_visit_requests(request.user):
        raise PermissionDenied
    visit_request = get_object_or_404(VisitRequest, pk=pk)
    title = audit.audit_title(visit_request)
    if request.method == "POST":
        services.visit_request_anonymise(visit_request=visit_request)
        audit.log_visit_request(visit_request, action=audit.LOG_ANONYMISED, user=request.user)
        messages.success(request, f"{title} is anonymised.")
        return redirect("visit_requests:inspect", pk)
    return TemplateResponse(
        request, "booking/admin/confirm_anonymise.html", {"visit_request": visit_request, "title": title}
    )


@require_POST
def outcome_view(request, pk):
    """Who came: the front desk marks a past visit attended, no-show or late cancel with one
    click from the inbox (a POST with the CSRF token), and is brought back to the list."""
    if not can_change_visit_requests(request.user):
        raise PermissionDenied
    visit_request = get_object_or_404(VisitRequest, pk=pk)
    outcome = request.POST.get("outcome")
    if outcome not in VisitRequest.OUTCOME_STATUSES:
        return HttpResponseBadRequest("Not an outcome.", content_type="text/plain")
    before = visit_request.status
    try:
        visit_request = services.visit_request_mark_outcome(visit_request=visit_request, outcome=outcome)
    except errors.BookingError as error:
        messages.error(request, f"{visit_request.full_name}: {error}")
    else:
        audit.log_visit_request(
            visit_request, action=audit.LOG_OUTCOME, user=request.user, data={"from": before, "to": outcome}
        )
        messages.success(request, f"{visit_request.full_name}: marked {visit_request.get_status_display()}.")
    inbox = reverse("visit_requests:index")
    back = request.POST.get("next", "")
    if not (
        back.startswith(inbox)
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False)
    ):
        back = inbox
    return redirect(back)


SOURCE_REPORT_PER_PAGE = 100


def source_report(request):
    """Which articles bring patients: a table per month and a bar chart of the top sources."""
    if not can_view_visit_requests(request.user):
        raise PermissionDenied
    rows = selectors.source_report_rows()
    chart = source_chart(rows)
    # Two years of a busy clinic are some 12,000 month-and-source rows: a page at a time.
    page = Paginator(rows, SOURCE_REPORT_PER_PAGE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "booking/admin/source_report.html",
        {
            "rows": page.object_list,
            "page": page,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
            "chart": chart.bars,
            "chart_height": chart.height,
        },
    )
