"""The writes staff make about calendars: their feed address (turned on, replaced, turned off),
their CalDAV connection (checked against the server before it is kept) and alerts they resolve."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from . import crypto
from .models import CalendarAlert, CalendarConnection, CalendarFeed, PushedVisit, RemoteEvent
from .remote import RemoteCalendar


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_token()})
    return feed


def calendar_feed_replace(*, user) -> CalendarFeed:
    """A new address; the old one answers 404 from now on."""
    feed, _ = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": _new_token(), "created_at": timezone.now()}
    )
    return feed


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def _new_token() -> str:
    # 256 bits: the address is the only secret a calendar app can keep.
    return secrets.token_urlsafe(32)


def calendar_connect(*, user, url: str, username: str, password: str) -> CalendarConnection:
    """Sign in to the calendar (raises remote.CalendarError when that fails, or
    crypto.EncryptionUnavailable without a key), then keep the connection with the password
    encrypted. Connecting another calendar starts afresh: nothing read from the old one stays."""
    encrypted = crypto.encrypt(password)
    with RemoteCalendar(url, username=username, password=password) as remote:
        calendar_url = remote.open()
    with transaction.atomic():
        connection = CalendarConnection.objects.select_for_update().filter(user=user).first()
        if connection is not None and connection.url != calendar_url:
            connection.delete()
            connection = None
        if connection is None:
            connection = CalendarConnection(user=user)
        connection.url = calendar_url
        connection.username = username
        connection.password_encrypted = encrypted
        connection.status = CalendarConnection.Status.NEW if connection.pk is None else connection.status
        connection.last_error = ""
        connection.save()
    return connection


def calendar_disconnect(*, user) -> None:
    """Forget the connection, its busy times and what was written; events already in the
    calendar stay there (they are the owner's now)."""
    CalendarConnection.objects.filter(user=user).delete()


def calendar_alert_resolve(*, alert: CalendarAlert, user) -> CalendarAlert:
    """Staff looked at the visit. If it is still on, the next pass puts it back into the calendar
    as the clinic has it (for a deleted or moved event)."""
    with transaction.atomic():
        alert = CalendarAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.resolved_at:
            return alert
        alert.resolved_at = timezone.now()
        alert.resolved_by = user
        alert.save(update_fields=["resolved_at", "resolved_by"])
        if alert.connection_id and alert.kind != CalendarAlert.Kind.BUSY:
            pushed = PushedVisit.objects.filter(
                connection_id=alert.connection_id, visit_request_id=alert.visit_request_id
            ).first()
            if pushed is not None:
                _write_again(pushed)
    return alert


def _write_again(pushed: PushedVisit) -> None:
    current = RemoteEvent.objects.filter(connection_id=pushed.connection_id, href=pushed.href).first()
    if current is None:
        pushed.delete()  # gone from the calendar: the next pass creates it afresh
        return
    # Overwrite exactly the version the owner left, and no other.
    PushedVisit.objects.filter(pk=pushed.pk).update(held=False, sequence=-1, etag=current.etag)
