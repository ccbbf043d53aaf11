"""The emails about a visit request, plain text and HTML. No health details in any subject,
and nothing in staff emails but a name, a time and a link to the request behind the admin login."""

import re
from html import unescape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags

from wagtail.models import Site
from wagtail.rich_text import expand_db_html
from wagtail.whitelist import Whitelister

from clinic.models import ClinicSettings
from clinic.public_url import public_origin

from . import ics
from .formatting import visit_time, visit_time_short
from .models import BookingSettings, Notification, VisitRequest
from .tokens import make_manage_token

_RELATIVE_HREF = re.compile(r'href="/(?!/)')

PATIENT_SUBJECTS = {
    Notification.Kind.CONFIRMATION: "Your Free Discovery Visit with {clinic} – {when}",
    Notification.Kind.REMINDER: "Reminder: your Free Discovery Visit with {clinic} – {when}",
    Notification.Kind.CANCELLED: "Your Free Discovery Visit with {clinic} is cancelled",
    Notification.Kind.MOVED: "Your Free Discovery Visit with {clinic} has a new time – {when}",
    Notification.Kind.LINK: "Your link to change your Free Discovery Visit with {clinic}",
    Notification.Kind.CONFIRMED: "Your Free Discovery Visit with {clinic} is confirmed – {when}",
    Notification.Kind.CLINIC_MOVED: "Your Free Discovery Visit with {clinic} has a new time – {when}",
    Notification.Kind.CLINIC_CANCELLED: "Your Free Discovery Visit with {clinic} is cancelled",
}
# For requests made without a time (preferred times instead).
UNSCHEDULED_SUBJECTS = {
    Notification.Kind.CONFIRMATION: "We received your Free Discovery Visit request, {clinic}",
    Notification.Kind.CONFIRMED: "Your Free Discovery Visit with {clinic} is confirmed",
}
# The manage link no longer opens a cancelled visit: these emails offer to book again instead.
CANCELLATIONS = {Notification.Kind.CANCELLED, Notification.Kind.CLINIC_CANCELLED}
STAFF_SUBJECTS = {
    Notification.Kind.STAFF_NEW: "New Free Discovery Visit request – {when}",
    Notification.Kind.STAFF_CANCELLED: "Free Discovery Visit cancelled by the patient – {when}",
    Notification.Kind.STAFF_MOVED: "Free Discovery Visit moved by the patient – {when}",
}


def clinic_for(visit_request: VisitRequest) -> tuple[ClinicSettings, Site]:
    site = (visit_request.page.get_site() if visit_request.page else None) or Site.objects.get(
        is_default_site=True
    )
    return ClinicSettings.for_site(site), site


def staff_recipients(visit_request: VisitRequest) -> list[str]:
    _, site = clinic_for(visit_request)
    return BookingSettings.for_site(site).staff_recipient_list()


def change_notice_hours(visit_request: VisitRequest) -> int:
    """The clinic's notice for changes (Booking settings), in hours; 0 when there is none."""
    _, site = clinic_for(visit_request)
    return BookingSettings.for_site(site).change_notice_hours


# The emails that tell a patient their visit's time, and so how late they can change it online.
NOTICE_KINDS = {
    Notification.Kind.CONFIRMATION,
    Notification.Kind.REMINDER,
    Notification.Kind.MOVED,
    Notification.Kind.CONFIRMED,
    Notification.Kind.CLINIC_MOVED,
}


def confirmation_copy(page, site: Site) -> dict[str, str]:
    """The page's "what happens next" text for an email: links expanded (Wagtail stores page links
    as ids) and made absolute, since an email has no page to be relative to, and cleaned."""
    if page is None or not page.confirmation_text:
        return {"confirmation_html": "", "confirmation_text": ""}
    origin = public_origin(site_root_url=site.root_url)
    html = _RELATIVE_HREF.sub(rf'href="{origin}/', expand_db_html(page.confirmation_text))
    # The admin's editor only stores clean rich text, but the field can be set other ways (shell,
    # import, API): only whitelisted tags and attributes, and no javascript: links, reach an email.
    html = Whitelister().clean(html)
    return {"confirmation_html": html, "confirmation_text": unescape(strip_tags(html)).strip()}


def manage_url(visit_request: VisitRequest) -> str:
    page = visit_request.page
    if page is None:
        return ""
    path = page.reverse_subpage("manage", kwargs={"token": make_manage_token(visit_request)})
    return (page.get_full_url() or "") + path


def admin_url(visit_request: VisitRequest) -> str:
    try:
        path = reverse("visit_requests:inspect", args=[visit_request.pk])
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def build_message(notification: Notification) -> EmailMultiAlternatives:
    visit_request = notification.visit_request
    clinic, site = clinic_for(visit_request)
    when = visit_time_short(visit_request.slot_start) if visit_request.slot_start else "preferred times"
    kind = notification.kind
    staff = kind in STAFF_SUBJECTS
    subjects = STAFF_SUBJECTS if staff else PATIENT_SUBJECTS
    if kind in UNSCHEDULED_SUBJECTS and not visit_request.slot_start:
        subjects = UNSCHEDULED_SUBJECTS
    subject = subjects[kind].format(clinic=clinic.name, when=when)
    cancellation = kind in CANCELLATIONS
    context = {
        "kind": kind,
        "visit_request": visit_request,
        "clinic": clinic,
        "when": visit_time(visit_request.slot_start),
        "previous_when": visit_time(notification.previous_slot_start),
        "manage_url": manage_url(visit_request) if not staff and not cancellation else "",
        "book_url": (visit_request.page.get_full_url() or "") if cancellation and visit_request.page else "",
        "admin_url": admin_url(visit_request) if staff else "",
        "notice_hours": change_notice_hours(visit_request)
        if kind in NOTICE_KINDS and visit_request.slot_start
        else 0,
        **confirmation_copy(visit_request.page, site),
    }
    folder = "emails/booking_staff" if staff else "emails/booking_patient"
    message = EmailMultiAlternatives(
        subject=_single_line(subject),
        body=render_to_string(f"{folder}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=staff_recipients(visit_request) if staff else [visit_request.email],
        reply_to=[clinic.email] if clinic.email and not staff else None,
    )
    message.attach_alternative(render_to_string(f"{folder}.html", context), "text/html")
    if not staff and visit_request.slot_start:
        calendar = ics.visit_calendar(
            visit_request, clinic=clinic, manage_url=context["manage_url"], cancelled=cancellation
        )
        message.attach("discovery-visit.ics", calendar, "text/calendar")
    return message


def _single_line(text: str) -> str:
    # A name or setting with a newline must never become an extra header.
    return " ".join(text.split())


def build_spike_alert(visit_request: VisitRequest, *, recent: int) -> EmailMultiAlternatives:
    """Staff alert: more requests in the last hour than usual. Counts and a link only."""
    threshold = int(getattr(settings, "BOOKING_SPIKE_THRESHOLD", 20))
    inbox = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("visit_requests:index")
    body = (
        f"{recent} Free Discovery Visit requests arrived in the last hour, more than the "
        f"{threshold} that set off this alert.\n\n"
        "If they look automated (odd names, the same details, many slots taken at once), check the "
        f"new requests and cancel the false ones:\n{inbox}?status=new\n\n"
        "You get at most one of these emails an hour."
    )
    return EmailMultiAlternatives(
        subject=f"Unusual number of booking requests: {recent} in the last hour",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=staff_recipients(visit_request),
    )
