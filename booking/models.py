"""Free Discovery Visits: the booking page with its availability, the visit requests it takes,
their seats and emails, and booking's site settings.

Over 300 lines on purpose: these are the app's models, which Django looks for here, and they hang
together by foreign keys; the logic around them lives in slots, services, selectors and the admin."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models import Count, Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from clinic.forms import PatientDataRoutingForm
from clinic.models import ClinicSettings
from clinic.public_url import PublicURLMixin
from clinic.serving import ServingMixin

from . import slots
from .admin.panels import OpeningHoursCheckPanel
from .calendars.models import (  # noqa: F401 - calendar sync's models are booking's models
    BusyTime,
    CalendarAlert,
    CalendarConnection,
    CalendarFeed,
    PushedVisit,
    RemoteEvent,
)
from .formatting import visit_time
from .opening_hours import bookable_within, opening_hours_of
from .page_permissions import BookingPagePermissionTester
from .waitlist.models import WaitlistEntry, WaitlistOffer  # noqa: F401 - the waitlist's models are booking's

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class DiscoveryVisitPage(PublicURLMixin, RoutablePageMixin, ServingMixin, Page):
    """/book/: the booking form, its confirmation and the patient's manage link, plus availability."""

    # The form's prefill (?concern=&from=, ?race=) and the day the picker shows (?day=). The form
    # is never cached; the list still tells the front cache which parameters to keep.
    cache_query_parameters = ("concern", "day", "from", "race")

    intro = models.TextField(
        max_length=600,
        blank=True,
        default="Tell us what is bothering you and pick a time that suits you.",
    )
    reassurance = models.CharField(
        max_length=200,
        blank=True,
        default="Free, 30 minutes, no obligation.",
        help_text="Shown next to the form, for example: 'Free, 30 minutes, no obligation.'",
    )
    no_slot_text = models.CharField(
        max_length=300,
        blank=True,
        default="No time suits you? Tell us the days and times that work and we will call you.",
    )
    confirmation_text = RichTextField(
        features=["bold", "italic", "link"],
        blank=True,
        default="<p>We look forward to meeting you. Wear comfortable clothes you can move in, and "
        "bring your running shoes if your pain is related to running.</p>",
        help_text="What happens next, shown on the confirmation page and in the confirmation email.",
    )
    visit_length_minutes = models.PositiveSmallIntegerField(
        "visit length (minutes)", default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer between visits (minutes)", default=0, validators=[MaxValueValidator(240)]
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)", default=12, validators=[MaxValueValidator(24 * 60)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        "bookable how many days ahead", default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    capacity = models.PositiveSmallIntegerField(
        "visits per slot",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many patients can book the same time (for example, with two therapists).",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("reassurance"),
        FieldPanel("no_slot_text"),
        FieldPanel("confirmation_text"),
    ]
    availability_panels = [
        HelpPanel(
            content=(
                "<p>One schedule for every language: the booking page in English sets it. On its "
                "translations (the Spanish page) this tab is not used; they offer the English "
                "page's times.</p>"
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("visit_length_minutes"), FieldPanel("buffer_minutes")]),
                FieldRowPanel([FieldPanel("min_notice_hours"), FieldPanel("horizon_days")]),
                FieldPanel("capacity"),
            ],
            heading="Visits",
        ),
        OpeningHoursCheckPanel(heading="Opening hours check"),
        InlinePanel("weekly_hours", heading="Weekly hours", label="Opening range"),
        InlinePanel("closures", heading="Closures", label="Closure"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(availability_panels, heading="Availability"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings", classname="settings"),
        ]
    )
    search_fields = Page.search_fields + [index.SearchField("intro")]

    def permissions_for_user(self, user):
        return BookingPagePermissionTester(user, self)

    parent_page_types = ["clinic.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "discovery visit page"

    # Availability

    def serve(self, request, *args, **kwargs):
        # The clinic's opening hours bound what is bookable; while serving they come with the
        # settings every page shows (from the shared cache), not from a query of their own.
        self._clinic_settings = ClinicSettings.for_request(request)
        if getattr(request, "LANGUAGE_CODE", None) == settings.LANGUAGE_CODE:
            # The path decides the language, and the default language's tree holds the schedule.
            self.schedule_page = self
        return super().serve(request, *args, **kwargs)

    @cached_property
    def schedule_page(self) -> "DiscoveryVisitPage":
        """The page whose availability this one offers. The clinic keeps one schedule, on the
        booking page in the default language; its translations (the Spanish page at /es/) offer
        the same times, and their own Availability tab is not used (docs/translation.md)."""
        source = (
            DiscoveryVisitPage.objects.filter(
                translation_key=self.translation_key, locale__language_code=settings.LANGUAGE_CODE
            )
            .exclude(pk=self.pk)
            .first()
        )
        return source or self

    def clinic_opening_hours(self) -> list[slots.WeeklyHours]:
        """The opening hours patients see (Settings › Clinic, in the footer) on this page's site."""
        clinic = getattr(self, "_clinic_settings", None)
        if clinic is None:
            site = self.get_site() or Site.objects.filter(is_default_site=True).first()
            clinic = self._clinic_settings = ClinicSettings.for_site(site) if site else None
        return opening_hours_of(block.value for block in clinic.opening_hours) if clinic else []

    def bookable_hours(self) -> list[slots.WeeklyHours]:
        """The weekly hours as edited on the Availability tab (unsaved rows of a draft included)."""
        return [
            slots.WeeklyHours(weekday=h.weekday, start=h.start, end=h.end)
            for h in self.schedule_page.weekly_hours.all()
            if h.weekday is not None and h.start and h.end and h.end > h.start
        ]

    def rules(self) -> slots.Rules:
        """Visits are offered where the weekly hours and the clinic's opening hours both say so
        (booking/opening_hours.py): never while patients are told the clinic is closed."""
        schedule = self.schedule_page
        return slots.Rules(
            hours=bookable_within(self.bookable_hours(), self.clinic_opening_hours()),
            tz=timezone.get_default_timezone(),
            visit_length=timedelta(minutes=schedule.visit_length_minutes),
            buffer=timedelta(minutes=schedule.buffer_minutes),
            min_notice=timedelta(hours=schedule.min_notice_hours),
            horizon=timedelta(days=schedule.horizon_days),
            capacity=schedule.capacity,
        )

    def closure_list(self) -> list[slots.Closure]:
        return [
            slots.Closure(start_date=c.start_date, end_date=c.end_date)
            for c in self.schedule_page.closures.all()
            if c.start_date and c.end_date and c.end_date >= c.start_date
        ]

    def free_slots(self, *, now=None) -> list[slots.Slot]:
        now = now or timezone.now()
        horizon_days = self.schedule_page.horizon_days
        taken, busy = taken_and_busy(since=now, until=now + timedelta(days=horizon_days + 1))
        return slots.free_slots(
            rules=self.rules(), closures=self.closure_list(), taken=taken, busy=busy, now=now
        )

    # Routes: the views live in booking/views/book.py (the form) and views/manage.py (the manage link)
    # and stay thin. Both import these models, so each route imports its view when called
    # (Wagtail's RoutablePage idiom).

    @path("")
    def book(self, request):
        from .views.book import book  # noqa: PLC0415

        return book(request, self)

    @path("times/")
    def times(self, request):
        from .views.book import times  # noqa: PLC0415

        return times(request, self)

    @path("thanks/")
    def thanks(self, request):
        from .views.book import thanks  # noqa: PLC0415

        return thanks(request, self)

    @path("thanks/calendar/")
    def thanks_ics(self, request):
        from .views.book import thanks_ics  # noqa: PLC0415

        return thanks_ics(request, self)

    @path("link/")
    def fresh_link(self, request):
        from .views.manage import fresh_link  # noqa: PLC0415

        return fresh_link(request, self)

    # Where the link lands: the token is in the session, not in the URL. Listed before the
    # token routes, which would otherwise read "calendar", "cancel", "moved", "cancelled" or
    # "times" as a token.
    @path("manage/")
    def manage_session(self, request):
        from .views.manage import manage  # noqa: PLC0415

        return manage(request, self)

    @path("manage/calendar/")
    def manage_session_ics(self, request):
        from .views.manage import manage_ics  # noqa: PLC0415

        return manage_ics(request, self)

    @path("manage/cancel/")
    def manage_cancel(self, request):
        from .views.manage import manage_cancel  # noqa: PLC0415

        return manage_cancel(request, self)

    @path("manage/moved/")
    def manage_moved(self, request):
        from .views.manage import manage_moved  # noqa: PLC0415

        return manage_moved(request, self)

    @path("manage/cancelled/")
    def manage_cancelled(self, request):
        from .views.manage import manage_cancelled  # noqa: PLC0415

        return manage_cancelled(request, self)

    @path("manage/earlier/")
    def manage_earlier(self, request):
        from .waitlist.views import earlier  # noqa: PLC0415

        return earlier(request, self)

    # The waitlist (booking/waitlist/views.py): join, joined, leave, an offer and its claim.
    @path("waitlist/")
    def waitlist(self, request):
        from .waitlist.views import join  # noqa: PLC0415

        return join(request, self)

    @path("waitlist/joined/")
    def waitlist_joined(self, request):
        from .waitlist.views import joined  # noqa: PLC0415

        return joined(request, self)

    @re_path(r"^waitlist/leave/(?P<token>[A-Za-z0-9_\-]{1,300})/$")
    def waitlist_leave(self, request, token):
        from .waitlist.views import leave  # noqa: PLC0415

        return leave(request, self, token)

    @re_path(r"^waitlist/offer/(?P<token>[A-Za-z0-9_\-]{1,300})/$")
    def waitlist_offer(self, request, token):
        from .waitlist.views import offer  # noqa: PLC0415

        return offer(request, self, token)

    @path("manage/times/")
    def manage_times(self, request):
        from .views.manage import manage_times  # noqa: PLC0415

        return manage_times(request, self)

    @re_path(r"^manage/(?P<token>[A-Za-z0-9_\-]{1,300})/$")
    def manage(self, request, token):
        from .views.manage import manage_link  # noqa: PLC0415

        return manage_link(request, self, token)

    @re_path(r"^manage/(?P<token>[A-Za-z0-9_\-]{1,300})/calendar/$")
    def manage_ics(self, request, token):
        from .views.manage import manage_link  # noqa: PLC0415

        return manage_link(request, self, token, calendar=True)


def taken_seats(*, since) -> dict:
    """{slot start (UTC): seats taken} for active bookings from `since` on."""
    rows = SlotSeat.objects.filter(slot_start__gte=since).values("slot_start").annotate(n=Count("pk"))
    return {row["slot_start"]: row["n"] for row in rows}


def taken_and_busy(*, since, until) -> tuple[dict, list[slots.Busy]]:
    """Seats taken (or held for a waitlist offer) from `since` on, and connected staff's busy
    times between the two, in one query: the booking page's query count stays as it was before
    calendars and the waitlist came."""
    seats = (
        SlotSeat.objects.filter(slot_start__gte=since)
        .order_by()
        .values_list(
            "slot_start",
            Value(None, output_field=models.DateTimeField()),
            Value(None, output_field=models.BigIntegerField()),
        )
    )
    # Times held for a waitlist offer count as taken while the hold lasts (booking/waitlist).
    held = (
        WaitlistOffer.objects.filter(status="open", expires_at__gt=since, slot_start__gte=since)
        .order_by()
        .values_list(
            "slot_start",
            Value(None, output_field=models.DateTimeField()),
            Value(None, output_field=models.BigIntegerField()),
        )
    )
    busy = (
        BusyTime.objects.filter(start__lt=until, end__gt=since, connection__user__is_active=True)
        .order_by()
        .values_list("start", "end", "connection_id")
    )
    taken: dict = {}
    busy_times = []
    # Busy second: PostgreSQL types a UNION pairwise, and two NULL columns first would be text.
    for start, end, who in seats.union(busy, held, all=True):
        if who is None:
            taken[start] = taken.get(start, 0) + 1
        else:
            busy_times.append(slots.Busy(start=start, end=end, who=who))
    return taken, busy_times


def busy_during(*, start, end) -> list[slots.Busy]:
    """Connected staff's busy times overlapping one slot (the seat check when booking)."""
    rows = BusyTime.objects.filter(start__lt=end, end__gt=start, connection__user__is_active=True)
    return [slots.Busy(start=r.start, end=r.end, who=r.connection_id) for r in rows]


class WeeklyHours(Orderable):
    page = ParentalKey(DiscoveryVisitPage, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField(help_text="Clinic time, for example 09:00")
    end = models.TimeField(help_text="Clinic time, for example 12:00")

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("start"), FieldPanel("end")])]

    class Meta(Orderable.Meta):
        verbose_name = "weekly hours"
        verbose_name_plural = "weekly hours"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The range must end after it starts."})

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class Closure(Orderable):
    page = ParentalKey(DiscoveryVisitPage, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField()
    end_date = models.DateField(help_text="The last closed day (included).")
    reason = models.CharField(max_length=100, blank=True, help_text="For example: Thanksgiving, course")

    panels = [FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]), FieldPanel("reason")]

    class Meta(Orderable.Meta):
        verbose_name = "closure"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date:
            try:
                slots.Closure(start_date=self.start_date, end_date=self.end_date)
            except ValueError:
                raise ValidationError({"end_date": "A closure must end on or after its first day."}) from None

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date} {self.reason}".strip()


# How long before a visit its reminder goes out (`send_visit_reminders`).
REMINDER_LEAD = timedelta(hours=24)


class VisitRequest(models.Model):
    """A patient's request for a Free Discovery Visit, at a slot or at preferred times."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        CONFIRMED = "confirmed", "Confirmed"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"
        CANCELLED = "cancelled", "Cancelled"
        # Cancelled inside the notice window (by phone, since the manage link no longer can):
        # counted apart from an ordinary cancellation, and like one it frees the seat.
        LATE_CANCEL = "late_cancel", "Late cancel"

    class ContactMethod(models.TextChoices):
        # Patients choose among these on the form: in their language.
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission_token = models.UUIDField(
        unique=True, null=True, blank=True, editable=False, help_text="One-time form token"
    )
    page = models.ForeignKey(
        DiscoveryVisitPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    slot_start = models.DateTimeField(null=True, blank=True, db_index=True)
    slot_end = models.DateTimeField(null=True, blank=True)
    preferred_times = models.TextField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    email = models.EmailField()
    phone = models.CharField(max_length=20, help_text="E.164, for example +19545195404")
    concern = models.ForeignKey(
        "clinic.CareArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    concern_other = models.CharField("other concern", max_length=60, blank=True)
    race_date = models.DateField("race or event date", null=True, blank=True)
    note = models.TextField(max_length=500, blank=True)
    preferred_contact = models.CharField(max_length=8, choices=ContactMethod.choices, default="email")
    consented_at = models.DateTimeField()
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="source article",
    )
    # Every message to the patient is in it, whoever sends it (booking.emails); a code of
    # settings.LANGUAGES, kept without choices so a new site language needs no migration here.
    language = models.CharField(
        max_length=7,
        default="en",
        editable=False,
        help_text="The patient's language, for every message to them.",
    )
    staff_notes = models.TextField(blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Part of the signed manage link: bumped when the visit moves, so older links stop working.
    link_version = models.PositiveIntegerField(default=0, editable=False)
    calendar_sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="The .ics SEQUENCE: raised on each move, cancellation and reopening, so calendars "
        "replace the old event.",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    ACTIVE_STATUSES = (Status.NEW, Status.CONTACTED, Status.CONFIRMED)
    CANCELLED_STATUSES = (Status.CANCELLED, Status.LATE_CANCEL)
    # What happened at a visit once its time has passed, marked by the front desk.
    OUTCOME_STATUSES = (Status.ATTENDED, Status.NO_SHOW, Status.LATE_CANCEL)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "visit request"
        permissions = [("export_visitrequest", "Can export visit requests")]
        # The inbox's "same patient?" lookup compares addresses in any case and phones as stored.
        # The search's trigram indexes (PostgreSQL only) are in migration 0014.
        indexes = [
            models.Index(Lower("email"), name="booking_vr_email_lower"),
            models.Index(fields=["phone"], name="booking_vr_phone"),
        ]

    def __str__(self) -> str:
        when = visit_time(self.slot_start, with_zone=False) if self.slot_start else "preferred times"
        return f"{self.full_name} – {when}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def race_soon(self) -> bool:
        """The patient's race is within two weeks of today: worth calling first."""
        if not self.race_date:
            return False
        today = timezone.localdate()
        return today <= self.race_date <= today + timedelta(days=14)

    @property
    def reminder_due(self) -> bool:
        """A reminder will go out: the visit is still to come, active, not yet reminded, and was
        booked more than REMINDER_LEAD ahead (later bookings just got their confirmation)."""
        return bool(
            self.slot_start
            and self.is_active
            and not self.reminder_sent_at
            and self.slot_start > timezone.now()
            and self.created_at <= self.slot_start - REMINDER_LEAD
        )


class SlotSeat(models.Model):
    """One seat of a slot held by an active visit request: the database enforces capacity.

    Seats are numbered 1..capacity and unique per slot start, so two requests can never hold the
    same seat even when several server processes book at once; cancelling deletes the seat."""

    visit_request = models.OneToOneField(VisitRequest, on_delete=models.CASCADE, related_name="seat")
    slot_start = models.DateTimeField()
    seat = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot_start", "seat"], name="booking_one_request_per_seat"),
            models.CheckConstraint(condition=Q(seat__gte=1), name="booking_seat_numbered_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.slot_start:%Y-%m-%d %H:%M} UTC seat {self.seat}"


class Notification(models.Model):
    """An email about a visit request and where it stands, so staff see what reached whom."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Confirmation"
        STAFF_NEW = "staff_new", "Staff notice"
        REMINDER = "reminder", "Reminder"
        CANCELLED = "cancelled", "Cancellation"
        STAFF_CANCELLED = "staff_cancelled", "Staff notice of cancellation"
        MOVED = "moved", "New time"
        STAFF_MOVED = "staff_moved", "Staff notice of new time"
        LINK = "link", "Fresh manage link"
        # Staff changed the visit in the inbox, and the patient hears of it.
        CONFIRMED = "confirmed", "Visit confirmed"
        CLINIC_MOVED = "clinic_moved", "New time set by the clinic"
        CLINIC_CANCELLED = "clinic_cancelled", "Cancellation by the clinic"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, retrying"
        FAILED = "failed", "Failed"

    visit_request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A move's email says where the visit moved from: the request itself only knows the new time.
    previous_slot_start = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="For a move: the visit's time before it."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()}"


class SpreadsheetExport(models.Model):
    """An XLSX export of the inbox that the task worker builds (50,000 requests take longer than a
    web request may) and its file, kept in the database (shared by every server, never under
    MEDIA) for the staff member who asked, until it expires (`EXPORT_LIFETIME`)."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The inbox's query string (filters and search) until the file is built, then emptied: a
    # search may be a patient's name.
    query = models.JSONField(default=dict, blank=True)
    # The admin's language when it was asked for: the worker writes the file in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    rows = models.PositiveIntegerField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Spreadsheet export #{self.pk}"


@register_setting(icon="mail")
class BookingSettings(BaseSiteSetting):
    """Booking's own site-wide options (Settings > Booking settings)."""

    staff_recipients = models.TextField(
        blank=True,
        help_text="Staff email addresses told about new visit requests, one per line.",
    )

    change_notice_hours = models.PositiveSmallIntegerField(
        "notice for changes (hours)",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Patients can move or cancel online until this many hours before the visit; after "
        "that the manage link asks them to call. 0 lets them change up to the visit itself. Staff "
        "can always change a visit in the inbox.",
    )

    class WaitlistPolicy(models.TextChoices):
        ONE_AT_A_TIME = "one_at_a_time", "One at a time, in the order patients joined"
        EVERYONE_AT_ONCE = "everyone_at_once", "Everyone at once, first to claim"

    waitlist_policy = models.CharField(
        "offering freed times",
        max_length=16,
        choices=WaitlistPolicy.choices,
        default=WaitlistPolicy.ONE_AT_A_TIME,
        help_text="One at a time: the first patient on the waitlist who wants the time has it held "
        "for them for the minutes below, then it passes to the next. Everyone at once: every patient "
        "who wants it is emailed and the first to claim it books it.",
    )
    waitlist_hold_minutes = models.PositiveSmallIntegerField(
        "hold an offered time for (minutes)",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text="One at a time only: how long a patient has to claim an offered time.",
    )

    panels = [
        FieldPanel("staff_recipients"),
        FieldPanel("change_notice_hours"),
        MultiFieldPanel(
            [FieldPanel("waitlist_policy"), FieldPanel("waitlist_hold_minutes")], heading="Waitlist"
        ),
    ]
    # Every new request's name and time goes to these addresses: who may change them (clinic.forms).
    base_form_class = PatientDataRoutingForm
    patient_data_routing = {
        "staff_recipients": _(
            "Every new request's name and time is sent to these addresses, so only staff who may see "
            "patient data, signed in with two-step verification, can change them."
        )
    }

    class Meta:
        verbose_name = "booking settings"

    def clean(self):
        super().clean()
        bad = [address for address in self.staff_recipient_list(validate=False) if not _is_email(address)]
        if bad:
            raise ValidationError({"staff_recipients": f"Not an email address: {', '.join(bad)}"})

    def staff_recipient_list(self, *, validate: bool = True) -> list[str]:
        addresses = [line.strip() for line in self.staff_recipients.splitlines() if line.strip()]
        return [a for a in addresses if _is_email(a)] if validate else addresses


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
