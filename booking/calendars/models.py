"""Calendar sync's tables: each staff member's private feed and CalDAV connection, what the last
pass saw in that calendar (its events and the busy times they give), the visits written into it,
and the alerts staff must look at. Registered as booking's models (booking/models.py imports them).

Visit requests are referred to by name ("booking.VisitRequest") so that booking/models.py can
import this module before it defines them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A staff member's private feed address: whoever has the URL reads the visits, so it is long,
    random, and replaced or turned off from the account screen."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class CalendarConnection(models.Model):
    """A staff member's own CalDAV calendar: read for busy times, written with their visits."""

    class Status(models.TextChoices):
        NEW = "new", _("Not synced yet")
        OK = "ok", _("Synced")
        FAILED = "failed", _("Sync failed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_connection"
    )
    url = models.URLField(_("calendar address"), max_length=500)
    username = models.CharField(max_length=200)
    # Fernet token (booking/calendars/crypto.py); never shown, never logged.
    password_encrypted = models.TextField(editable=False)
    sync_token = models.CharField(max_length=500, blank=True, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW)
    last_error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_pass_seconds = models.FloatField(null=True, blank=True)
    # The day and horizon the busy times were expanded for: a pass with nothing new skips the
    # expansion until either changes.
    busy_window = models.CharField(max_length=40, blank=True, editable=False)
    # Claimed by the pass or push that is talking to this calendar, so two never interleave.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar connection")

    def __str__(self) -> str:
        return f"Calendar of {self.user}"


class RemoteEvent(models.Model):
    """One calendar object as the last sync read it (kept to expand busy times without asking the
    server again, and to notice what changed in the visits written there)."""

    connection = models.ForeignKey(CalendarConnection, on_delete=models.CASCADE, related_name="remote_events")
    href = models.CharField(max_length=1000)
    etag = models.CharField(max_length=200, blank=True)
    uid = models.CharField(max_length=500, blank=True)
    ics = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "href"], name="booking_one_remote_event_per_href")
        ]

    def __str__(self) -> str:
        return self.href


class BusyTime(models.Model):
    """A stretch of time a connected staff member is busy, from their calendar's opaque events,
    recurrences expanded; replaced at each sync pass. The booking page reads these, never CalDAV."""

    connection = models.ForeignKey(CalendarConnection, on_delete=models.CASCADE, related_name="busy_times")
    start = models.DateTimeField()
    end = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class PushedVisit(models.Model):
    """A visit as the clinic last wrote it into a connected calendar: where, which version
    (SEQUENCE) and which time, so a change made there by someone else can be told apart."""

    connection = models.ForeignKey(CalendarConnection, on_delete=models.CASCADE, related_name="pushed_visits")
    visit_request = models.ForeignKey(
        "booking.VisitRequest", on_delete=models.CASCADE, related_name="pushed_events"
    )
    href = models.CharField(max_length=1000)
    etag = models.CharField(max_length=200, blank=True)
    # The visit's calendar_sequence when written; -1 asks the next pass to write it again.
    sequence = models.IntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The visit was cancelled and its event deleted from the calendar.
    removed = models.BooleanField(default=False)
    # Changed or deleted in the calendar by its owner: left alone until staff resolve the alert
    # or the visit itself changes.
    held = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "visit_request"], name="booking_one_pushed_event_per_calendar"
            )
        ]

    def __str__(self) -> str:
        return f"{self.href} (sequence {self.sequence})"


class CalendarAlert(models.Model):
    """Something in a staff member's calendar that the clinic will not settle on its own: staff
    look at the visit and decide. The patient's visit never changes by itself."""

    class Kind(models.TextChoices):
        DELETED = "deleted", _("The visit was deleted in the calendar")
        MOVED = "moved", _("The visit was moved in the calendar")
        BUSY = "busy", _("The visit is at a time now busy in the calendar")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    visit_request = models.ForeignKey(
        "booking.VisitRequest", on_delete=models.CASCADE, related_name="calendar_alerts"
    )
    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open alert per visit, calendar and kind: every sync pass would see it again.
            models.UniqueConstraint(
                fields=["visit_request", "connection", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="booking_one_open_calendar_alert",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (visit request #{self.visit_request_id})"
