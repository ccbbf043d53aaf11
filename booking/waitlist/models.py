"""The waitlist's rows: who waits for which kind of time (an entry) and each time offered to them
(an offer). Imported by booking.models, so Django knows them as booking's models."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The parts of the day a patient may ask for, named like the picker's groups (booking.picker
# holds where each begins).
PART_CHOICES = [
    ("morning", _("Morning")),
    ("afternoon", _("Afternoon")),
    ("evening", _("Evening")),
]
WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class WaitlistEntry(models.Model):
    """A patient waiting for an earlier or any time: which weekdays, which parts of the day, until
    when. A patient already booked (`visit_request`) waits for an earlier time for that visit."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked from an offer"
        LEFT = "left", "Left the waitlist"
        REMOVED = "removed", "Removed by staff"
        ENDED = "ended", "Until date passed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    page = models.ForeignKey(
        "booking.DiscoveryVisitPage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Waiting to move this visit earlier: the offer moves it instead of booking another.
    visit_request = models.ForeignKey(
        "booking.VisitRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_entries",
    )
    first_name = models.CharField(max_length=60, blank=True)
    last_name = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    concern = models.ForeignKey(
        "clinic.CareArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    concern_other = models.CharField("other concern", max_length=60, blank=True)
    preferred_contact = models.CharField(max_length=8, default="email")
    # Comma-separated weekday numbers (0 = Monday) and part names: small, and read in Python.
    weekdays = models.CharField(max_length=20)
    parts = models.CharField(max_length=40)
    until = models.DateField(help_text="The last day the patient wants to be offered.")
    language = models.CharField(max_length=7, default="en", editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING, db_index=True)
    consented_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When the "you are on the waitlist" email went out; the minute's pass sends one still unsent.
    joined_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "waitlist entry"
        verbose_name_plural = "waitlist"

    def __str__(self) -> str:
        return f"Waitlist entry #{self.pk}"

    @property
    def full_name(self) -> str:
        if self.visit_request_id:
            return self.visit_request.full_name
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def contact_email(self) -> str:
        return self.visit_request.email if self.visit_request_id else self.email

    @property
    def weekday_list(self) -> list[int]:
        return [int(day) for day in self.weekdays.split(",") if day.strip().isdigit()]

    @property
    def part_list(self) -> list[str]:
        return [part for part in self.parts.split(",") if part]


class WaitlistOffer(models.Model):
    """One freed time offered to one entry. Under "one at a time" it holds the time until
    `expires_at` (nobody else is offered it, and /book/ does not show it); under "everyone at
    once" it has no hold and the first claim wins."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLAIMED = "claimed", "Claimed"
        EXPIRED = "expired", "Hold expired"
        TAKEN = "taken", "Taken by someone else"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    slot_start = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    visit_request = models.ForeignKey(
        "booking.VisitRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "waitlist offer"
        constraints = [
            # A time is offered to an entry once: a second offer pass cannot email it again.
            models.UniqueConstraint(fields=["entry", "slot_start"], name="booking_waitlist_offer_once"),
            # One hold per slot start at a time (one at a time): two offer passes cannot both hold it.
            models.UniqueConstraint(
                fields=["slot_start"],
                condition=Q(status="open", expires_at__isnull=False),
                name="booking_waitlist_one_hold_per_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer #{self.pk}"
