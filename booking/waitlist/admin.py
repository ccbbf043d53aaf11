"""The waitlist in the Wagtail admin, for staff who may see patient data (booking/permissions.py):
who waits for what, the offers made and their outcome, offering a time by hand, removing an entry,
a CSV export; each listing, offer, removal and export is written to the audit log."""

import csv

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from clinic.phone import readable_phone

from ..formatting import spreadsheet_safe, visit_time
from ..languages import language_name
from ..permissions import can_change_visit_requests, can_export_visit_requests, can_view_visit_requests
from ..slots import parse_slot_value, slot_value
from .emails import wishes
from .models import WaitlistEntry, WaitlistOffer
from .offers import booking_settings, offer_by_staff, offerable
from .services import waitlist_entry_leave

LOG_LISTED = "booking.waitlist.listed"
LOG_OFFERED = "booking.waitlist.offered"
LOG_REMOVED = "booking.waitlist.removed"
LOG_EXPORTED = "booking.waitlist.exported"
ACTIONS = [
    (LOG_LISTED, "List the waitlist", "Listed"),
    (LOG_OFFERED, "Offer a waitlist patient a time", "Offered a time"),
    (LOG_REMOVED, "Remove a waitlist entry", "Removed"),
    (LOG_EXPORTED, "Export the waitlist", "Exported"),
]
EXPORT_HEADINGS = [
    "Entry",
    "Status",
    "Joined",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Moving visit request",
    "Days",
    "Parts of the day",
    "Until",
    "Language",
    "Offers",
    "Claimed",
]


def entries(*, status: str = "waiting"):
    rows = WaitlistEntry.objects.select_related("visit_request", "concern").prefetch_related(
        Prefetch("offers", queryset=WaitlistOffer.objects.order_by("created_at", "pk"))
    )
    if status != "all":
        rows = rows.filter(status=status)
    return rows.order_by("created_at", "pk")


# Entries a page of the listing shows (the inbox shows 50 requests a page too).
PER_PAGE = 50


def waiting_count() -> int:
    return WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING).count()


def _title(entry: WaitlistEntry) -> str:
    return f"Waitlist entry #{entry.pk}"


def index_view(request):
    if not can_view_visit_requests(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "waiting")
    if status not in {*WaitlistEntry.Status.values, "all"}:
        status = "waiting"
    if request.GET.get("export") == "csv":
        return _export(request, status)
    page = Paginator(entries(status=status), PER_PAGE).get_page(request.GET.get("p"))
    rows = list(page.object_list)
    # Who looked at which patients' entries, one audit entry each, as the inbox logs its listings.
    content_type_id = ContentType.objects.get_for_model(WaitlistEntry).pk
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type_id=content_type_id,
            object_id=str(entry.pk),
            label=_title(entry),
            action=LOG_LISTED,
            data={"status": status},
            timestamp=timezone.now(),
            user=request.user,
        )
        for entry in rows
    )
    context = {
        "rows": [
            {
                "entry": entry,
                "phone": readable_phone(entry.phone),
                "language": language_name(entry.language),
                **wishes(entry),
            }
            for entry in rows
        ],
        "items": page,
        "elided_page_range": page.paginator.get_elided_page_range(page.number),
        "status": status,
        "statuses": [*WaitlistEntry.Status.choices, ("all", "All")],
        "can_change": can_change_visit_requests(request.user),
        "can_export": can_export_visit_requests(request.user),
    }
    return TemplateResponse(request, "booking/waitlist/admin/index.html", context)


def _export(request, status: str) -> HttpResponse:
    if not can_export_visit_requests(request.user):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="waitlist.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_HEADINGS)
    count = 0
    for entry in entries(status=status):
        words = wishes(entry)
        offers = list(entry.offers.all())
        claimed = next((o for o in offers if o.status == WaitlistOffer.Status.CLAIMED), None)
        writer.writerow(
            [
                entry.pk,
                entry.get_status_display(),
                visit_time(entry.created_at),
                *map(spreadsheet_safe, [entry.first_name, entry.last_name, entry.email]),
                spreadsheet_safe(readable_phone(entry.phone)),
                entry.visit_request_id or "",
                words["days"],
                words["parts"],
                entry.until.isoformat(),
                language_name(entry.language),
                len(offers),
                visit_time(claimed.slot_start) if claimed else "",
            ]
        )
        count += 1
    log(
        instance=WaitlistEntry(pk=0),
        action=LOG_EXPORTED,
        user=request.user,
        title=f"Waitlist export ({count} rows)",
        data={"status": status, "rows": count},
    )
    return response


def offer_view(request, pk):
    """Staff offer a free time to one waiting patient by hand (held for them, and emailed)."""
    if not can_change_visit_requests(request.user):
        raise PermissionDenied
    entry = get_object_or_404(WaitlistEntry.objects.select_related("page", "visit_request"), pk=pk)
    if entry.status != WaitlistEntry.Status.WAITING or entry.page is None:
        messages.error(request, f"{_title(entry)} is no longer waiting.")
        return redirect("booking_waitlist")
    now = timezone.now()
    notice = booking_settings(entry.page).change_notice_hours
    free = [
        slot
        for slot in entry.page.schedule_page.free_slots(now=now)
        if offerable(slot.start, now=now, notice_hours=notice)
    ]
    if request.method == "POST":
        start = parse_slot_value(request.POST.get("slot", ""))
        try:
            if start is None:
                raise ValueError("Choose one of the free times.")
            offer = offer_by_staff(entry=entry, slot_start=start, now=now)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            log(
                instance=entry,
                action=LOG_OFFERED,
                user=request.user,
                title=_title(entry),
                data={"offer": offer.pk, "slot_start": offer.slot_start.isoformat()},
            )
            messages.success(
                request, f"{entry.full_name} is offered {visit_time(offer.slot_start)} and emailed."
            )
            return redirect("booking_waitlist")
    context = {
        "entry": entry,
        "title": _title(entry),
        "choices": [(slot_value(slot.start), visit_time(slot.start)) for slot in free[:300]],
        **wishes(entry),
    }
    return TemplateResponse(request, "booking/waitlist/admin/offer.html", context)


def remove_view(request, pk):
    """GET asks (who, what they wait for, what removing does); POST removes."""
    if not can_change_visit_requests(request.user):
        raise PermissionDenied
    entry = get_object_or_404(WaitlistEntry.objects.select_related("visit_request"), pk=pk)
    if entry.status != WaitlistEntry.Status.WAITING:
        messages.error(request, f"{_title(entry)} is no longer waiting.")
        return redirect("booking_waitlist")
    if request.method != "POST":
        context = {
            "entry": entry,
            "title": _title(entry),
            "open_offers": entry.offers.filter(status=WaitlistOffer.Status.OPEN).order_by("slot_start"),
            **wishes(entry),
        }
        return TemplateResponse(request, "booking/waitlist/admin/confirm_remove.html", context)
    waitlist_entry_leave(entry=entry, by_staff=True)
    log(instance=entry, action=LOG_REMOVED, user=request.user, title=_title(entry))
    messages.success(request, f"{_title(entry)} is removed from the waitlist.")
    return redirect("booking_waitlist")
