"""What the booking admin writes to Wagtail's audit log: who listed, viewed, changed, exported or
anonymised which request. Labels carry a number, never a name, so the log holds no patient data."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from .models import VisitRequest

LOG_LISTED = "booking.visit_request.listed"
LOG_VIEWED = "booking.visit_request.viewed"
LOG_STATUS = "booking.visit_request.status_changed"
LOG_EXPORTED = "booking.visit_request.exported"
LOG_ANONYMISED = "booking.visit_request.anonymised"
LOG_OUTCOME = "booking.visit_request.outcome_marked"

ACTIONS = [
    (LOG_LISTED, "List visit requests", "Listed"),
    (LOG_VIEWED, "View visit request", "Viewed"),
    (LOG_STATUS, "Change visit request status", "Status changed"),
    (LOG_EXPORTED, "Export visit requests", "Exported"),
    (LOG_ANONYMISED, "Anonymise visit request", "Anonymised"),
    (LOG_OUTCOME, "Mark who came to a visit", "Outcome marked"),
]


def audit_title(visit_request: VisitRequest) -> str:
    return f"Visit request #{visit_request.pk}"


def log_visit_request(visit_request: VisitRequest, *, action: str, user, data: dict | None = None) -> None:
    log(instance=visit_request, action=action, user=user, title=audit_title(visit_request), data=data)


def log_visit_requests(rows: list[VisitRequest], *, action: str, user, data: dict) -> None:
    """One entry per request shown, written in one query."""
    content_type_id = ContentType.objects.get_for_model(VisitRequest).pk
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type_id=content_type_id,
            object_id=str(row.pk),
            label=audit_title(row),
            action=action,
            data=data,
            timestamp=now,
            user=user,
        )
        for row in rows
    )


# The object id of an entry about many requests at once (an export): no request has it, and the
# audit log's report, which looks entries' objects up by id, finds none rather than failing.
MANY_REQUESTS_ID = "0"


def log_visit_request_export(*, action: str, user, data: dict) -> None:
    """One entry for an export, however many requests it holds: who, when, filters, how many."""
    ModelLogEntry.objects.create(
        content_type_id=ContentType.objects.get_for_model(VisitRequest).pk,
        object_id=MANY_REQUESTS_ID,
        label=f"Visit requests export ({data['rows']} rows)",
        action=action,
        data=data,
        timestamp=timezone.now(),
        user=user,
    )
