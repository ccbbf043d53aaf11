"""How a visit request reads to staff in the inbox: its list columns, export columns and the
extra lines of its detail view. Display only; the model keeps the rules (`race_soon`,
`reminder_due`) and the selectors the reads (`other_active_requests`)."""

from collections.abc import Callable

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn

from clinic.phone import e164, readable_phone

from .. import selectors
from ..formatting import visit_day, visit_time
from ..languages import language_name
from ..models import VisitRequest
from ..permissions import can_change_visit_requests


def visit_display(visit_request: VisitRequest) -> str:
    if visit_request.slot_start:
        return visit_time(visit_request.slot_start)
    return f"Preferred: {visit_request.preferred_times}"


def concern_label(visit_request: VisitRequest) -> str:
    if visit_request.concern_id:
        return str(visit_request.concern)
    return f"Other: {visit_request.concern_other}" if visit_request.concern_other else "Other"


def race_label(visit_request: VisitRequest) -> str:
    race = visit_request.race_date
    if not race:
        return ""
    return f"{'Soon: ' if visit_request.race_soon else ''}{race:%a} {race.day} {race:%b}"


def source_title(visit_request: VisitRequest) -> str:
    if not visit_request.source_page_id:
        return ""
    # Exports read the title alone (`source_page_title`) rather than a whole page per row.
    title = getattr(visit_request, "source_page_title", None)
    return visit_request.source_page.title if title is None else title


# Labels by code, built once: get_FOO_display() builds its dictionary of choices on every call,
# which an export of 50,000 requests makes 100,000 times.
STATUS_LABELS = dict(VisitRequest.Status.choices)
CONTACT_LABELS = dict(VisitRequest.ContactMethod.choices)


def status_label(visit_request: VisitRequest) -> str:
    return str(STATUS_LABELS.get(visit_request.status, visit_request.status))


def contact_label(visit_request: VisitRequest) -> str:
    return str(CONTACT_LABELS.get(visit_request.preferred_contact, visit_request.preferred_contact))


def language_label(visit_request: VisitRequest) -> str:
    """'Spanish': the language every email to the patient is in."""
    return language_name(visit_request.language)


def phone_label(visit_request: VisitRequest) -> str:
    return readable_phone(visit_request.phone)


def consented_at(visit_request: VisitRequest) -> str:
    return visit_time(visit_request.consented_at)


def received_at(visit_request: VisitRequest) -> str:
    return visit_time(visit_request.created_at)


def received_age(visit_request: VisitRequest) -> str:
    return f"{timesince(visit_request.created_at).split(',')[0]} ago"


def notification_summary(visit_request: VisitRequest) -> str:
    """Each email and where it stands, and whether a reminder is still to go out."""
    states = [f"{n.get_kind_display()}: {n.get_status_display()}" for n in visit_request.notifications.all()]
    if visit_request.reminder_due:
        states.append("Reminder: scheduled")
    return "; ".join(states) or "—"


def also_booked(others: list[VisitRequest]) -> str:
    """'Also booked 3 Dec', 'Also booked 3 Dec, 9 Dec and requested without a time'..."""
    days = [visit_day(other.slot_start) for other in others if other.slot_start]
    parts = [f"booked {', '.join(days)}"] if days else []
    if len(days) < len(others):
        parts.append("requested without a time")
    return f"Also {' and '.join(parts)}" if parts else ""


class DuplicateColumn(Column):
    """The "same patient?" flag, in words: the rows carry their other active requests, looked up
    for the whole page at once by the index view (`other_active_requests`)."""

    cell_template_name = "booking/admin/duplicate_cell.html"

    def get_value(self, instance):
        return also_booked(getattr(instance, "other_active_requests", []))


def no_show_label(count: int) -> str:
    return f"{count} no-show{'s' if count != 1 else ''}" if count else ""


def no_shows_of(visit_request: VisitRequest) -> str:
    """The detail view's line: how often this contact did not come."""
    count = selectors.no_show_counts([visit_request]).get(visit_request.pk, 0)
    return f"{no_show_label(count)} with this email address or phone number" if count else "None"


# The one-click outcomes, in the order the buttons show.
OUTCOMES = [
    (VisitRequest.Status.ATTENDED, "Attended"),
    (VisitRequest.Status.NO_SHOW, "No-show"),
    (VisitRequest.Status.LATE_CANCEL, "Late cancel"),
]


class OutcomeColumn(Column):
    """Who came: for a visit whose time has come and that is still open, one button per outcome
    (a POST with the CSRF token, to `visit_requests:outcome`); and the contact's no-shows, which
    the index view looks up for the whole page at once (`no_show_counts`)."""

    cell_template_name = "booking/admin/outcome_cell.html"

    def get_value(self, instance):
        return no_show_label(getattr(instance, "no_show_count", 0))

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        open_past = bool(
            instance.slot_start
            and instance.slot_start <= timezone.now()
            and instance.is_active
            and not instance.anonymised_at
        )
        if open_past and request is not None and can_change_visit_requests(request.user):
            context.update(
                outcomes=OUTCOMES,
                action=reverse("visit_requests:outcome", args=[instance.pk]),
                next=request.get_full_path(),
                # The cell is rendered outside the page's RequestContext.
                csrf_token=get_token(request),
                name=instance.full_name,
            )
        return context


class OtherRequests(Component):
    """The other active requests with this one's email address or phone number, linked."""

    template_name = "booking/admin/other_requests.html"

    def __init__(self, visit_request: VisitRequest):
        self.visit_request = visit_request

    def get_context_data(self, parent_context=None):
        request = self.visit_request
        others = selectors.other_active_requests([request]).get(request.pk, [])
        return {
            "others": [
                {"request": other, "visit": visit_display(other), "same": same_contact(request, other)}
                for other in others
            ]
        }


def same_contact(one: VisitRequest, other: VisitRequest) -> str:
    """What two requests share: 'email', 'phone' or 'email and phone'."""
    shared = [
        label
        for label, same in [
            ("email", one.email.lower() == other.email.lower()),
            ("phone", bool(one.phone) and e164(one.phone) == e164(other.phone)),
        ]
        if same
    ]
    return " and ".join(shared)


LIST_COLUMNS = [
    TitleColumn("full_name", label="Name", url_name="visit_requests:inspect"),
    Column("status", label="Status", accessor="get_status_display"),
    DuplicateColumn("duplicate", label="Same patient?"),
    Column("when", label="Visit", accessor=visit_display),
    Column("concern", label="Concern", accessor=concern_label),
    Column("language", label="Language", accessor=language_label),
    Column("race", label="Race", accessor=race_label),
    Column("source", label="Source article", accessor=source_title),
    Column("age", label="Received", accessor=received_age),
    OutcomeColumn("outcome", label="Who came?"),
]

# Export columns that are computed rather than read from a field, with their headings: what staff
# read on screen (labels, not codes such as "confirmed" or "phone"; the phone number as dialled,
# which spreadsheets keep as text). "Received" stays a date and time: text in CSV, a date cell
# in the clinic's time in XLSX (views.py).
EXPORT_COMPUTED: dict[str, tuple[str, Callable[[VisitRequest], str]]] = {
    "status": ("Status", status_label),
    "visit": ("Visit", visit_display),
    "phone": ("Phone", phone_label),
    "concern": ("Concern", concern_label),
    "preferred_contact": ("Preferred contact", contact_label),
    "language": ("Language", language_label),
    "source_article": ("Source article", source_title),
}
# Who the patient is and how to reach them: listed, searched, exported and shown together.
PATIENT_FIELDS = ["first_name", "last_name", "email", "phone"]

EXPORT_FIELDS = [
    "pk",
    "status",
    "visit",
    *PATIENT_FIELDS,
    "concern",
    "race_date",
    "preferred_contact",
    "language",
    "preferred_times",
    "note",
    "source_article",
    "created_at",
]
EXPORT_HEADINGS = {
    "pk": "ID",
    "created_at": "Received",
    **{name: heading for name, (heading, _) in EXPORT_COMPUTED.items()},
}

# Lines of the detail view that are computed, with their labels. Times are the clinic's, with
# the zone named (Wagtail would show stored UTC).
INSPECT_COMPUTED: dict[str, tuple[str, Callable[[VisitRequest], str]]] = {
    "visit": ("Visit", visit_display),
    "emails": ("Emails", notification_summary),
    "duplicates": ("Possible duplicates", OtherRequests),
    "no_shows": ("No-shows", no_shows_of),
    "phone": ("Phone", phone_label),
    "language": ("Language", language_label),
    "consented_at": ("Consented at", consented_at),
    "created_at": ("Received", received_at),
}
INSPECT_FIELDS = [
    "status",
    "visit",
    "emails",
    "duplicates",
    "no_shows",
    "preferred_times",
    *PATIENT_FIELDS,
    "preferred_contact",
    "language",
    "concern",
    "concern_other",
    "race_date",
    "note",
    "source_page",
    "consented_at",
    "created_at",
    "staff_notes",
]
