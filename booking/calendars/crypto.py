"""CalDAV passwords at rest: Fernet (cryptography's authenticated encryption) with the keys in
CALENDAR_ENCRYPTION_KEY. Several comma-separated keys rotate: the first encrypts, any decrypts."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from django.conf import settings
from django.utils.translation import gettext as _


class EncryptionUnavailable(Exception):
    """No key is configured, or none of them opens a stored password."""


def available() -> bool:
    return bool(settings.CALENDAR_ENCRYPTION_KEYS)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise EncryptionUnavailable(
            _("The stored password cannot be read with CALENDAR_ENCRYPTION_KEY: connect the calendar again.")
        ) from None


def _fernet() -> MultiFernet:
    keys = settings.CALENDAR_ENCRYPTION_KEYS
    if not keys:
        raise EncryptionUnavailable(
            _("Set CALENDAR_ENCRYPTION_KEY on the server to connect a calendar (docs/calendars.md).")
        )
    return MultiFernet([Fernet(key) for key in keys])
