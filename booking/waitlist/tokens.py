"""The waitlist's signed links: to claim an offer and to leave the waitlist. Like the manage link
(booking/tokens.py), a token carries an opaque id only, signed, never patient data."""

import base64

from django.core import signing

CLAIM_SALT = "booking.waitlist-claim"
LEAVE_SALT = "booking.waitlist-leave"


def make_token(public_id, *, salt: str) -> str:
    # Wagtail routes take [A-Za-z0-9_-] segments; a signed value has colons, so it is wrapped.
    signed = signing.dumps(public_id.hex, salt=salt)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def read_token(token: str, *, salt: str) -> str | None:
    """The id a token carries, or None when it is not one of ours."""
    try:
        signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        value = signing.loads(signed, salt=salt)
    except (ValueError, UnicodeDecodeError, signing.BadSignature):
        return None
    if not (isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)):
        return None
    return value
