"""The manage link's token: the request's opaque id, signed; no patient data in the URL."""

import base64
from datetime import timedelta

from django.core import signing
from django.utils import timezone

from .models import VisitRequest

SALT = "booking.manage-link"
# Requests without a slot (preferred times) have no visit to expire after; give them this long.
UNSCHEDULED_MAX_AGE = timedelta(days=60)


class LinkProblem(Exception):
    """Why a manage link does not work, in words fit for the patient."""


def make_manage_token(visit_request: VisitRequest) -> str:
    # Wagtail serves page routes made of [A-Za-z0-9_-] path segments, and a signed value has
    # colons, so the whole signed value is base64url-encoded once more.
    signed = signing.dumps(visit_request.public_id.hex, salt=SALT)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _unwrap(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise signing.BadSignature("not base64") from None


def read_manage_token(token: str) -> VisitRequest:
    """The request a token names; LinkProblem when it is tampered, expired or used up."""
    try:
        public_id = signing.loads(_unwrap(token), salt=SALT, max_age=None)
    except signing.BadSignature:
        raise LinkProblem("This link is not valid. Please use the link from your email.") from None
    visit_request = VisitRequest.objects.filter(public_id=public_id if _is_hex(public_id) else None).first()
    if visit_request is None or visit_request.anonymised_at:
        raise LinkProblem("We cannot find this visit request any more.")
    if visit_request.status == VisitRequest.Status.CANCELLED:
        raise LinkProblem("This visit was cancelled.")
    now = timezone.now()
    if visit_request.slot_start and visit_request.slot_start <= now:
        raise LinkProblem("This visit has already taken place, so the link has expired.")
    if not visit_request.slot_start and visit_request.created_at + UNSCHEDULED_MAX_AGE < now:
        raise LinkProblem("This link has expired.")
    if not visit_request.is_active:
        raise LinkProblem("This visit request can no longer be changed online.")
    return visit_request


def _is_hex(value) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)
