"""The manage link's token: the request's opaque id and link version, signed and dated; no
patient data in the URL.

A token stops working when the visit starts, when it is older than
`BOOKING_MANAGE_LINK_MAX_AGE_DAYS` (the patient can ask for a fresh one by email), and when the
request's `link_version` has moved on: moving the visit bumps it, so the old link (which may be
in an old email, a forwarded message or an access log) no longer opens the booking."""

import base64
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import VisitRequest

SALT = "booking.manage-link"
# Requests without a slot (preferred times) have no visit to expire after; give them this long.
UNSCHEDULED_MAX_AGE = timedelta(days=60)


class LinkProblem(Exception):
    """Why a manage link does not work, in words fit for the patient."""

    def __init__(self, message: str, *, renewable: bool = False):
        super().__init__(message)
        # The patient can get a working link by asking for a fresh one by email.
        self.renewable = renewable


def max_age() -> timedelta:
    return timedelta(days=int(getattr(settings, "BOOKING_MANAGE_LINK_MAX_AGE_DAYS", 30)))


def make_manage_token(visit_request: VisitRequest) -> str:
    # Wagtail serves page routes made of [A-Za-z0-9_-] path segments, and a signed value has
    # colons, so the whole signed value is base64url-encoded once more.
    signed = signing.dumps([visit_request.public_id.hex, visit_request.link_version], salt=SALT)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _unwrap(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise signing.BadSignature("not base64") from None


def _payload(value) -> tuple[str, int] | None:
    # Links sent before link versions existed carry the bare id: they are version 0.
    if isinstance(value, str):
        value = [value, 0]
    if not (isinstance(value, list) and len(value) == 2):
        return None
    public_id, version = value
    if not (_is_hex(public_id) and isinstance(version, int) and not isinstance(version, bool)):
        return None
    return public_id, version


def read_manage_token(token: str) -> VisitRequest:
    """The request a token names; LinkProblem when it is tampered, expired or used up."""
    try:
        payload = _payload(signing.loads(_unwrap(token), salt=SALT, max_age=max_age()))
    except signing.SignatureExpired:
        raise LinkProblem(_("This link has expired. We can email you a fresh one."), renewable=True) from None
    except signing.BadSignature:
        raise LinkProblem(_("This link is not valid. Please use the link from your email.")) from None
    visit_request = VisitRequest.objects.filter(public_id=payload[0]).first() if payload else None
    if visit_request is None or visit_request.anonymised_at:
        raise LinkProblem(_("We cannot find this visit request any more."))
    if visit_request.status in VisitRequest.CANCELLED_STATUSES:
        raise LinkProblem(_("This visit was cancelled."))
    now = timezone.now()
    if visit_request.slot_start and visit_request.slot_start <= now:
        raise LinkProblem(_("This visit has already taken place, so the link has expired."))
    if not visit_request.slot_start and visit_request.created_at + UNSCHEDULED_MAX_AGE < now:
        raise LinkProblem(_("This link has expired."))
    if not visit_request.is_active:
        raise LinkProblem(_("This visit request can no longer be changed online."))
    if payload[1] != visit_request.link_version:
        raise LinkProblem(
            _(
                "This link was replaced when your visit moved. Please use the link in your latest "
                "email, or ask us to email you a fresh one."
            ),
            renewable=True,
        )
    return visit_request


def _is_hex(value) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)
