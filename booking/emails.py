"""The emails about a visit request, plain text and HTML. No health details in any subject,
and nothing in staff emails but a name, a time and a link to the request behind the admin login."""

import re
from html import unescape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from wagtail.models import Site
from wagtail.rich_text import expand_db_html
from wagtail.whitelist import Whitelister

from clinic.models import ClinicSettings
from clinic.public_url import public_origin

from . import ics
from .formatting import visit_time, visit_time_short
from .languages import page_in_language
from .models import BookingSettings, Notification, VisitRequest
from .tokens import make_manage_token

_RELATIVE_HREF = re.compile(r'href="/(?!/)')

# Subjects name the clinic and the time, never the patient or their concern. Patients' are in
# the patient's language (lazy: rendered inside translation.override); staff's in the site's.
PATIENT_SUBJECTS = {
    Notification.Kind.CONFIRMATION: _("Your Free Discovery Visit with %(clinic)s – %(when)s"),
    Notification.Kind.REMINDER: _("Reminder: your Free Discovery Visit with %(clinic)s – %(when)s"),
    Notification.Kind.CANCELLED: _("Your Free Discovery Visit with %(clinic)s is cancelled"),
    Notification.Kind.MOVED: _("Your Free Discovery Visit with %(clinic)s has a new time – %(when)s"),
    Notification.Kind.LINK: _("Your link to change your Free Discovery Visit with %(clinic)s"),
    Notification.Kind.CONFIRMED: _("Your Free Discovery Visit with %(clinic)s is confirmed – %(when)s"),
    Notification.Kind.CLINIC_MOVED: _("Your Free Discovery Visit with %(clinic)s has a new time – %(when)s"),
    Notification.Kind.CLINIC_CANCELLED: _("Your Free Discovery Visit with %(clinic)s is cancelled"),
}
# For requests made without a time (preferred times instead).
UNSCHEDULED_SUBJECTS = {
    Notification.Kind.CONFIRMATION: _("We received your Free Discovery Visit request, %(clinic)s"),
    Notification.Kind.CONFIRMED: _("Your Free Discovery Visit with %(clinic)s is confirmed"),
}
# The manage link no longer opens a cancelled visit: these emails offer to book again instead.
CANCELLATIONS = {Notification.Kind.CANCELLED, Notification.Kind.CLINIC_CANCELLED}
STAFF_SUBJECTS = {
    Notification.Kind.STAFF_NEW: _("New Free Discovery Visit request – %(when)s"),
    Notification.Kind.STAFF_CANCELLED: _("Free Discovery Visit cancelled by the patient – %(when)s"),
    Notification.Kind.STAFF_MOVED: _("Free Discovery Visit moved by the patient – %(when)s"),
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
    """The patient's manage link, on the booking page in their language."""
    page = page_in_language(visit_request.page, visit_request.language)
    if page is None:
        return ""
    path = page.reverse_subpage("manage", kwargs={"token": make_manage_token(visit_request)})
    return (page.get_full_url() or "") + path


def book_url(visit_request: VisitRequest) -> str:
    """The booking page in the patient's language, to book again."""
    page = page_in_language(visit_request.page, visit_request.language)
    return (page.get_full_url() or "") if page else ""


def admin_url(visit_request: VisitRequest) -> str:
    try:
        path = reverse("visit_requests:inspect", args=[visit_request.pk])
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """The email for `notification`: a patient's in the language they booked in, whoever acted
    (a reminder from the worker, a move by staff in the English admin); staff's in the site's."""
    staff = notification.kind in STAFF_SUBJECTS
    language = settings.LANGUAGE_CODE if staff else notification.visit_request.language
    with translation.override(language):
        return _build_message(notification, staff=staff)


def _build_message(notification: Notification, *, staff: bool) -> EmailMultiAlternatives:
    visit_request = notification.visit_request
    clinic, site = clinic_for(visit_request)
    when = visit_time_short(visit_request.slot_start) if visit_request.slot_start else _("preferred times")
    kind = notification.kind
    subjects = STAFF_SUBJECTS if staff else PATIENT_SUBJECTS
    if kind in UNSCHEDULED_SUBJECTS and not visit_request.slot_start:
        subjects = UNSCHEDULED_SUBJECTS
    subject = subjects[kind] % {"clinic": clinic.name, "when": when}
    cancellation = kind in CANCELLATIONS
    context = {
        "kind": kind,
        "visit_request": visit_request,
        "clinic": clinic,
        "when": visit_time(visit_request.slot_start),
        "previous_when": visit_time(notification.previous_slot_start),
        "manage_url": manage_url(visit_request) if not staff and not cancellation else "",
        "book_url": book_url(visit_request) if cancellation else "",
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
