"""The waitlist's emails to the patient, in the language they joined in: "you are on the
waitlist" (with the link to leave) and "a time has opened up" (with the link to claim it). No
patient data in subjects or links."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from wagtail.models import Site

from clinic.models import ClinicSettings

from ..formatting import clock, visit_time, visit_time_short
from ..languages import page_in_language
from .models import PART_CHOICES, WEEKDAY_CHOICES, WaitlistEntry, WaitlistOffer
from .tokens import CLAIM_SALT, LEAVE_SALT, make_token

JOINED_EMAIL = "joined"
OFFER_EMAIL = "offer"

SUBJECTS = {
    JOINED_EMAIL: _("You are on the waitlist for a Free Discovery Visit with %(clinic)s"),
    OFFER_EMAIL: _("A time has opened up at %(clinic)s – %(when)s"),
}


def _page_url(entry: WaitlistEntry, route: str, **kwargs) -> str:
    page = page_in_language(entry.page, entry.language)
    if page is None:
        return ""
    return (page.get_full_url() or "") + page.reverse_subpage(route, kwargs=kwargs or None)


def leave_url(entry: WaitlistEntry) -> str:
    return _page_url(entry, "waitlist_leave", token=make_token(entry.public_id, salt=LEAVE_SALT))


def claim_url(offer: WaitlistOffer) -> str:
    return _page_url(offer.entry, "waitlist_offer", token=make_token(offer.public_id, salt=CLAIM_SALT))


def wishes(entry: WaitlistEntry) -> dict[str, str]:
    """What the patient asked for, in words of the active language."""
    days = dict(WEEKDAY_CHOICES)
    parts = dict(PART_CHOICES)
    return {
        "days": get_text_list([str(days[d]) for d in entry.weekday_list], _("or")),
        "parts": get_text_list([str(parts[p]).lower() for p in entry.part_list if p in parts], _("or")),
        "until": formats.date_format(entry.until, "DATE_FORMAT"),
    }


def build(kind: str, *, entry: WaitlistEntry, offer: WaitlistOffer | None = None) -> EmailMultiAlternatives:
    with translation.override(entry.language):
        return _build(kind, entry=entry, offer=offer)


def _build(kind: str, *, entry: WaitlistEntry, offer: WaitlistOffer | None) -> EmailMultiAlternatives:
    site = (entry.page.get_site() if entry.page else None) or Site.objects.get(is_default_site=True)
    clinic = ClinicSettings.for_site(site)
    context = {
        "kind": kind,
        "entry": entry,
        "first_name": entry.visit_request.first_name if entry.visit_request_id else entry.first_name,
        "clinic": clinic,
        "leave_url": leave_url(entry),
        "booked_when": visit_time(entry.visit_request.slot_start) if entry.visit_request_id else "",
        **wishes(entry),
    }
    subject_values = {"clinic": clinic.name, "when": ""}
    if offer is not None:
        context.update(
            {
                "when": visit_time(offer.slot_start),
                "held_until": clock(offer.expires_at, with_zone=True) if offer.expires_at else "",
                "claim_url": claim_url(offer),
            }
        )
        subject_values["when"] = visit_time_short(offer.slot_start)
    message = EmailMultiAlternatives(
        subject=" ".join(str(SUBJECTS[kind] % subject_values).split()),
        body=render_to_string("emails/waitlist_patient.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[entry.contact_email],
        reply_to=[clinic.email] if clinic.email else None,
    )
    message.attach_alternative(render_to_string("emails/waitlist_patient.html", context), "text/html")
    return message


def send(kind: str, pk: int, *, now: datetime | None = None) -> str:
    """Send one waitlist email (the task's body); skipped when its entry or offer has moved on."""
    now = now or timezone.now()
    if kind == OFFER_EMAIL:
        offer = (
            WaitlistOffer.objects.select_related("entry__page", "entry__visit_request").filter(pk=pk).first()
        )
        if offer is None or offer.status != WaitlistOffer.Status.OPEN or offer.email_sent_at:
            return "skipped"
        build(kind, entry=offer.entry, offer=offer).send()
        WaitlistOffer.objects.filter(pk=pk).update(email_sent_at=now)
        return "sent"
    entry = WaitlistEntry.objects.select_related("page", "visit_request").filter(pk=pk).first()
    if entry is None or entry.status != WaitlistEntry.Status.WAITING or entry.joined_email_sent_at:
        return "skipped"
    build(kind, entry=entry).send()
    WaitlistEntry.objects.filter(pk=pk).update(joined_email_sent_at=now)
    return "sent"
