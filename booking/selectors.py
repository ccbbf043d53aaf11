"""Reads for staff screens: the dashboard panel, the menu counts, the inbox filters (failed
emails, possible duplicates) and the source report. No writes here (those are in services.py)
and no request or HTML."""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower, TruncMonth
from django.utils import timezone

from wagtail.models import Page, Site

from clinic.phone import e164, phone_digits
from clinic.ratelimit import email_key

from .models import DiscoveryVisitPage, Notification, VisitRequest


def live_booking_page(site: Site | None) -> DiscoveryVisitPage | None:
    """The site's live booking page (there is one at most), for staff screens that compare the
    clinic's settings with it."""
    if site is None:
        return None
    return DiscoveryVisitPage.objects.live().filter(path__startswith=site.root_page.path).first()


def requests_with_failed_emails_ids() -> QuerySet:
    """The ids of visit requests with an email that failed for good (for `pk__in`). From the
    (indexed, few) failed emails to their requests: an EXISTS per request would walk every request,
    newest first, looking for the few with one."""
    return Notification.objects.filter(status=Notification.Status.FAILED).values("visit_request_id")


def visit_requests_with_failed_emails() -> QuerySet[VisitRequest]:
    return VisitRequest.objects.filter(pk__in=requests_with_failed_emails_ids())


def _active_requests() -> QuerySet[VisitRequest]:
    return VisitRequest.objects.filter(
        status__in=VisitRequest.ACTIVE_STATUSES, anonymised_at__isnull=True
    ).annotate(email_lower=Lower("email"))


def possible_duplicates_exist() -> Exists:
    """True for a request whose email address (in any case) or phone number is also on another
    active request (for filter/annotate). Phones compare as stored: the booking form stores them
    in E.164 through clinic.phone, so one number has one spelling."""
    return Exists(
        _active_requests()
        .filter(Q(email_lower=Lower(OuterRef("email"))) | (Q(phone=OuterRef("phone")) & ~Q(phone="")))
        .exclude(pk=OuterRef("pk"))
    )


def other_active_requests(rows: Iterable[VisitRequest]) -> dict[int, list[VisitRequest]]:
    """{request id: the other active requests with its email address or phone number}, soonest
    visit first, for the requests given (a page of the inbox, or one): one query for them all."""
    keys = {row.pk: (row.email.lower(), e164(row.phone)) for row in rows if not row.anonymised_at}
    if not keys:
        return {}
    emails = {email for email, _ in keys.values()}
    phones = {phone for _, phone in keys.values() if phone}
    candidates = [
        (candidate, candidate.email_lower, e164(candidate.phone))
        for candidate in _active_requests()
        .filter(Q(email_lower__in=emails) | Q(phone__in=phones))
        .order_by(F("slot_start").asc(nulls_last=True), "created_at")
    ]
    found = {}
    for pk, (email, phone) in keys.items():
        others = [
            candidate
            for candidate, candidate_email, candidate_phone in candidates
            if candidate.pk != pk and (candidate_email == email or (phone and candidate_phone == phone))
        ]
        if others:
            found[pk] = others
    return found


def needs_outcome(*, now: datetime | None = None) -> Q:
    """A visit whose time has come and that is still open (new, contacted or confirmed): the
    front desk marks it attended, no-show or late cancel (for filter)."""
    return Q(
        slot_start__lte=now or timezone.now(),
        status__in=VisitRequest.ACTIVE_STATUSES,
        anonymised_at__isnull=True,
    )


def visits_needing_outcome(*, now: datetime | None = None) -> QuerySet[VisitRequest]:
    """Past visits still open, most recent first (the dashboard's "who came?" list)."""
    return VisitRequest.objects.filter(needs_outcome(now=now)).order_by("-slot_start")


def no_show_counts(rows: Iterable[VisitRequest]) -> dict[int, int]:
    """{request id: no-shows by its contact}, for the requests given (a page of the inbox, or
    one), in one query. The contact is the one the per-contact limit counts by: the same email
    address (one spelling per address, `email_key`) or the same phone number. A request that is
    itself a no-show counts."""
    keys = {row.pk: (email_key(row.email), row.phone) for row in rows if not row.anonymised_at}
    if not keys:
        return {}
    # The database's case-insensitive match only narrows the rows down (it differs by engine);
    # the match itself is email_key's, in Python. Both sides are lowered by the database, in one
    # IN list its index on lower(email) answers: an iexact per row (UPPER() of every no-show's
    # address fifty times over) took 75 ms at 50,000 requests, this takes under 1 ms.
    addresses = {
        Lower(Value(unicodedata.normalize("NFKC", row.email.strip()))) for row in rows if row.pk in keys
    }
    match = Q(phone__in={phone for _, phone in keys.values() if phone}) | Q(email_lower__in=addresses)
    no_shows = [
        (email_key(email), phone)
        for email, phone in VisitRequest.objects.annotate(email_lower=Lower("email"))
        .filter(match, status=VisitRequest.Status.NO_SHOW)
        .order_by()
        .values_list("email", "phone")
    ]
    return {
        pk: sum(
            1
            for other_email, other_phone in no_shows
            if other_email == email or (phone and other_phone == phone)
        )
        for pk, (email, phone) in keys.items()
    }


# Fewer digits than this are a fragment of anything ("12"), not a phone number to look for.
MIN_PHONE_DIGITS = 4
NAME_FIELDS = ("first_name", "last_name", "email")


def visit_request_search(text: str) -> Q:
    """The inbox's search: "Maria Garcia" finds her (each word in a name or the email address),
    and a phone number finds its request however it is typed ("555-0166", "(954) 555-0166",
    "+1 954 555 0166", "9545550166"): numbers are stored in E.164 (+19545550166), so the typed
    digits are looked for in it."""
    digits = phone_digits(text.strip())
    if len(digits) >= MIN_PHONE_DIGITS:
        # A whole number, as dialled from abroad too ("011 44 20 7946 0958"), by its E.164 form.
        whole = e164(text)
        return Q(phone__contains=digits) | (Q(phone=whole) if whole else Q(pk__in=[]))
    query = Q()
    for word in text.split():
        word_digits = phone_digits(word)
        matches = Q()
        for field in NAME_FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        if len(word_digits) >= MIN_PHONE_DIGITS:
            matches |= Q(phone__contains=word_digits)
        query &= matches
    return query


# New requests within this window above BOOKING_SPIKE_THRESHOLD warn staff.
SPIKE_WINDOW = timedelta(hours=1)


def request_spike(*, now: datetime | None = None) -> int | None:
    """How many requests arrived in the last hour, when that is more than the alert threshold."""
    threshold = int(getattr(settings, "BOOKING_SPIKE_THRESHOLD", 20))
    if not threshold:
        return None
    recent = VisitRequest.objects.filter(created_at__gt=(now or timezone.now()) - SPIKE_WINDOW).count()
    return recent if recent > threshold else None


def new_visit_request_count() -> int:
    return VisitRequest.objects.filter(status=VisitRequest.Status.NEW, anonymised_at__isnull=True).count()


def failed_notification_count() -> int:
    return Notification.objects.filter(status=Notification.Status.FAILED).count()


@dataclass(frozen=True)
class Agenda:
    today: QuerySet[VisitRequest]
    upcoming: QuerySet[VisitRequest]


def visit_agenda(*, now: datetime | None = None, upcoming_limit: int = 20) -> Agenda:
    """Active booked visits today and from tomorrow to a week from now ("today" at the clinic,
    whatever zone a staff member's own admin settings name: the times listed are the clinic's)."""
    now = now or timezone.now()
    clinic = timezone.get_default_timezone()
    start_of_today = timezone.make_aware(
        datetime.combine(timezone.localdate(now, clinic), datetime.min.time()), clinic
    )
    start_of_tomorrow = start_of_today + timedelta(days=1)
    active = VisitRequest.objects.filter(
        status__in=VisitRequest.ACTIVE_STATUSES, slot_start__isnull=False
    ).order_by("slot_start")
    return Agenda(
        today=active.filter(slot_start__gte=start_of_today, slot_start__lt=start_of_tomorrow),
        upcoming=active.filter(slot_start__gte=start_of_tomorrow, slot_start__lt=now + timedelta(days=7))[
            :upcoming_limit
        ],
    )


def source_report_rows() -> list[dict]:
    """Requests per source page per month, newest month first (anonymised requests count too),
    with the patients seen (attended) and the no-shows and late cancels among them."""
    Status = VisitRequest.Status
    rows = (
        # Months at the clinic: a request made on 31 December at 8 PM is December's.
        VisitRequest.objects.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
        .values("month", "source_page")
        .annotate(
            requests=Count("pk"),
            seen=Count("pk", filter=Q(status=Status.ATTENDED)),
            no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
            late_cancels=Count("pk", filter=Q(status=Status.LATE_CANCEL)),
        )
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
            "seen": r["seen"],
            "no_shows": r["no_shows"],
            "late_cancels": r["late_cancels"],
        }
        for r in rows
    ]
