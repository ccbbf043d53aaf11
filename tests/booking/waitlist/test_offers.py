"""A freed time goes to the waitlist: to the right patient under each policy, held for them and
hidden from /book/ meanwhile, handed on when the hold expires, never inside the notice window."""

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from booking import services
from booking.errors import SlotTaken
from booking.models import BookingSettings, WeeklyHours
from booking.waitlist.models import WaitlistEntry, WaitlistOffer
from booking.waitlist.offers import offer_by_staff, offer_free_times, waitlist_advance, wants
from booking.waitlist.services import OfferGone, offer_claim, waitlist_entry_leave
from tests import factories

from .conftest import ALL_DAYS, book, join, patient, set_policy, wait_for_earlier

ONE = BookingSettings.WaitlistPolicy.ONE_AT_A_TIME
EVERYONE = BookingSettings.WaitlistPolicy.EVERYONE_AT_ONCE

pytestmark = pytest.mark.django_db


def cancel_first(page, django_capture_on_commit_callbacks, *, by_patient=True):
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_cancel(visit_request=page.booked[0], by_patient=by_patient)
    return page.booked[0].slot_start


def test_a_cancel_offers_the_time_to_the_first_to_join_only_under_one_at_a_time(
    small_page, django_capture_on_commit_callbacks
):
    first, second = join(small_page, 1), join(small_page, 2)
    mail.outbox.clear()
    freed = cancel_first(small_page, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    assert offer.entry == first
    assert offer.slot_start == freed
    assert offer.expires_at is not None
    assert not second.offers.exists()
    offered = [m for m in mail.outbox if "A time has opened up" in m.subject]
    assert [m.to for m in offered] == [["pat1@example.com"]]


def test_a_cancel_offers_the_time_to_everyone_who_wants_it_under_everyone_at_once(
    small_page, django_capture_on_commit_callbacks
):
    set_policy(small_page, EVERYONE)
    entries = [join(small_page, n) for n in range(3)]
    mail.outbox.clear()
    cancel_first(small_page, django_capture_on_commit_callbacks)
    assert {o.entry_id for o in WaitlistOffer.objects.all()} == {e.pk for e in entries}
    assert all(o.expires_at is None for o in WaitlistOffer.objects.all())
    assert sorted(m.to[0] for m in mail.outbox if "A time has opened up" in m.subject) == [
        "pat0@example.com",
        "pat1@example.com",
        "pat2@example.com",
    ]


def test_a_patient_who_wants_another_day_is_not_offered_the_time(
    small_page, target_day, django_capture_on_commit_callbacks
):
    other_days = [d for d in ALL_DAYS if d != target_day.weekday()]
    join(small_page, 1, weekdays=other_days)
    join(small_page, 2, parts=["afternoon", "evening"])
    wanted = join(small_page, 3)
    cancel_first(small_page, django_capture_on_commit_callbacks)
    assert [o.entry for o in WaitlistOffer.objects.all()] == [wanted]


def test_a_held_time_is_not_on_the_booking_page_during_the_hold(
    small_page, django_capture_on_commit_callbacks
):
    join(small_page, 1)
    cancel_first(small_page, django_capture_on_commit_callbacks)
    assert small_page.free_slots() == []


def test_a_held_time_cannot_be_booked_from_the_booking_form(small_page, django_capture_on_commit_callbacks):
    join(small_page, 1)
    freed = cancel_first(small_page, django_capture_on_commit_callbacks)
    with pytest.raises(SlotTaken):
        services.visit_request_create(page=small_page, patient=patient(50), slot_start=freed)


def test_claiming_a_held_time_books_it_for_the_patient(small_page, django_capture_on_commit_callbacks):
    entry = join(small_page, 1)
    freed = cancel_first(small_page, django_capture_on_commit_callbacks)
    visit = offer_claim(offer=WaitlistOffer.objects.get())
    assert visit.slot_start == freed
    assert visit.email == "pat1@example.com"
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.BOOKED
    assert WaitlistOffer.objects.get().status == WaitlistOffer.Status.CLAIMED


def test_under_everyone_at_once_the_second_claim_finds_the_time_taken(
    small_page, django_capture_on_commit_callbacks
):
    set_policy(small_page, EVERYONE)
    join(small_page, 1), join(small_page, 2)
    cancel_first(small_page, django_capture_on_commit_callbacks)
    first, second = WaitlistOffer.objects.order_by("pk")
    offer_claim(offer=second)
    with pytest.raises(OfferGone) as gone:
        offer_claim(offer=first)
    assert gone.value.reason == "taken"
    first.refresh_from_db()
    assert first.status == WaitlistOffer.Status.TAKEN
    assert first.entry.status == WaitlistEntry.Status.WAITING


def test_an_expired_hold_passes_to_the_next_patient(small_page, django_capture_on_commit_callbacks):
    first, second = join(small_page, 1), join(small_page, 2)
    cancel_first(small_page, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    with time_machine.travel(offer.expires_at - timedelta(seconds=1)):
        assert waitlist_advance()["expired"] == 0
    with time_machine.travel(offer.expires_at + timedelta(seconds=1)):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            counts = waitlist_advance()
        with pytest.raises(OfferGone) as gone:
            offer_claim(offer=offer)
    assert counts["expired"] == 1
    assert gone.value.reason == "expired"
    handed = WaitlistOffer.objects.get(entry=second)
    assert handed.slot_start == offer.slot_start
    assert [m.to for m in mail.outbox] == [["pat2@example.com"]]
    assert first.offers.get().status == WaitlistOffer.Status.EXPIRED


def test_no_offer_inside_the_notice_window(small_page, django_capture_on_commit_callbacks):
    settings_ = BookingSettings.for_site(small_page.get_site())
    settings_.change_notice_hours = 24 * 10
    settings_.save()
    join(small_page, 1)
    cancel_first(small_page, django_capture_on_commit_callbacks, by_patient=False)  # staff may
    assert not WaitlistOffer.objects.exists()


def test_an_open_offer_is_withdrawn_once_the_notice_window_begins(
    small_page, django_capture_on_commit_callbacks
):
    settings_ = BookingSettings.for_site(small_page.get_site())
    settings_.change_notice_hours = 24
    settings_.save()
    set_policy(small_page, EVERYONE)
    join(small_page, 1)
    cancel_first(small_page, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    with time_machine.travel(offer.slot_start - timedelta(hours=23)):
        assert waitlist_advance()["withdrawn"] == 1
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.WITHDRAWN


def test_leaving_frees_the_held_time_for_the_next_patient(small_page, django_capture_on_commit_callbacks):
    first, second = join(small_page, 1), join(small_page, 2)
    cancel_first(small_page, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_entry_leave(entry=first)
    assert WaitlistOffer.objects.get(entry=second).status == WaitlistOffer.Status.OPEN


def test_a_second_offer_pass_offers_nothing_twice(small_page, django_capture_on_commit_callbacks):
    set_policy(small_page, EVERYONE)
    join(small_page, 1)
    cancel_first(small_page, django_capture_on_commit_callbacks)
    assert offer_free_times() == 0
    assert WaitlistOffer.objects.count() == 1


def test_a_booked_patient_waiting_for_earlier_has_their_visit_moved(
    small_page, django_capture_on_commit_callbacks
):
    later = small_page.booked[1]
    with django_capture_on_commit_callbacks(execute=True):
        entry = wait_for_earlier(small_page, later)
    assert not WaitlistOffer.objects.exists()  # nothing earlier is free
    freed = cancel_first(small_page, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get(entry=entry)
    moved = offer_claim(offer=offer)
    assert moved.pk == later.pk
    assert moved.slot_start == freed
    assert moved.__class__.objects.filter(status__in=moved.ACTIVE_STATUSES).count() == 1


def test_staff_can_offer_a_time_by_hand(small_page, django_capture_on_commit_callbacks):
    set_policy(small_page, EVERYONE)
    entry = join(small_page, 1, weekdays=[])
    freed = cancel_first(small_page, django_capture_on_commit_callbacks)
    assert not WaitlistOffer.objects.exists()
    offer = offer_by_staff(entry=entry, slot_start=freed)
    assert offer.by_staff
    assert offer.expires_at is not None


def test_a_hold_is_handed_on_by_the_clock_across_the_end_of_daylight_saving_time(
    home, clinic_settings, django_capture_on_commit_callbacks
):
    """Offered at 01:45 EDT on 1 November 2026, a 30-minute hold ends at 01:15 EST: earlier on
    the wall clock, 30 minutes later in fact. It is neither cut short nor stretched by an hour."""
    with time_machine.travel(datetime(2026, 10, 30, 16, 0, tzinfo=UTC), tick=False):
        page = factories.DiscoveryVisitPageFactory(
            parent=home, hours=[(0, time(9), time(10))], horizon_days=5
        )
        clinic_settings.appointment_page = page
        clinic_settings.save()
        factories.BookingSettingsFactory(site=clinic_settings.site)
        booked = [book(page, slot.start, n=100 + i) for i, slot in enumerate(page.free_slots())]
        assert [b.slot_start.astimezone(UTC).hour for b in booked] == [14, 14]  # Monday 9:00 EST
        first, second = join(page, 1), join(page, 2)
    offered_at = datetime(2026, 11, 1, 5, 45, tzinfo=UTC)  # 01:45 EDT
    with time_machine.travel(offered_at, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.visit_request_cancel(visit_request=booked[0])
        offer = first.offers.get()
    assert offer.expires_at == offered_at + timedelta(minutes=30)
    local = offer.expires_at.astimezone(timezone.get_default_timezone())
    assert (local.hour, local.minute, local.tzname()) == (1, 15, "EST")
    with time_machine.travel(datetime(2026, 11, 1, 6, 10, tzinfo=UTC), tick=False):  # 01:10 EST
        assert waitlist_advance()["expired"] == 0
    with (
        time_machine.travel(datetime(2026, 11, 1, 6, 16, tzinfo=UTC), tick=False),  # 01:16 EST
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = waitlist_advance()
    assert counts["expired"] == 1
    assert second.offers.get().slot_start == booked[0].slot_start


def test_wants_compares_the_local_day_and_part(settings):
    tz = timezone.get_default_timezone()
    # 2026-11-02 01:30 UTC is Sunday 1 November 20:30 EST: an evening, on a Sunday.
    start = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
    assert wants(weekdays=[6], parts=["evening"], until=date(2026, 11, 1), slot_start=start, tz=tz)
    assert not wants(weekdays=[0], parts=["evening"], until=date(2026, 11, 30), slot_start=start, tz=tz)
    assert not wants(weekdays=[6], parts=["morning"], until=date(2026, 11, 30), slot_start=start, tz=tz)
    assert not wants(weekdays=[6], parts=["evening"], until=date(2026, 10, 31), slot_start=start, tz=tz)


def test_the_retention_purge_anonymises_old_waitlist_entries(small_page):
    old = join(small_page, 1)
    recent = join(small_page, 2)
    WaitlistEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    call_command("purge_visit_requests", older_than=365, stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.first_name, old.email, old.phone) == ("Anonymised", "anonymised@invalid", "")
    assert old.anonymised_at is not None
    assert old.status == WaitlistEntry.Status.REMOVED
    assert recent.email == "pat2@example.com"


def test_an_offer_whose_email_failed_is_sent_by_the_next_minutes_pass(
    small_page, settings, django_capture_on_commit_callbacks
):
    """A failing mail server costs the patient a few minutes of their hold, never the offer."""
    with django_capture_on_commit_callbacks(execute=True):
        join(small_page, 1)  # and welcomed
    # A real SMTP connection to a closed port: refused at once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    cancel_first(small_page, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    assert offer.email_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert waitlist_advance(now=offer.created_at + timedelta(seconds=30))["resent"] == 0  # maybe queued
    assert waitlist_advance(now=offer.created_at + timedelta(minutes=3))["resent"] == 1
    assert [m.to for m in mail.outbox] == [["pat1@example.com"]]
    assert waitlist_advance(now=offer.created_at + timedelta(minutes=4))["resent"] == 0  # once
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.OPEN


def test_a_welcome_whose_email_failed_is_sent_by_a_later_minutes_pass(
    small_page, settings, django_capture_on_commit_callbacks
):
    """ "You are on the waitlist" carries the only link to leave it: a failing mail server delays it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=True):
        entry = join(small_page, 1)
    entry.refresh_from_db()
    assert entry.joined_email_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert waitlist_advance(now=entry.created_at + timedelta(seconds=30))["resent"] == 0  # maybe queued
    assert waitlist_advance(now=entry.created_at + timedelta(minutes=3))["resent"] == 1
    assert [(m.to, "on the waitlist" in m.subject) for m in mail.outbox] == [(["pat1@example.com"], True)]
    assert waitlist_advance(now=entry.created_at + timedelta(minutes=4))["resent"] == 0  # once
    entry.refresh_from_db()
    assert entry.joined_email_sent_at is not None


def test_longer_clinic_opening_hours_offer_the_new_time_at_once(
    small_page, clinic_settings, target_day, django_capture_on_commit_callbacks
):
    """Settings › Clinic bounds the booking page's times; saving longer hours frees a time for the
    waitlist without waiting for the minute's pass."""
    day = target_day.strftime("%a").lower()
    clinic_settings.opening_hours = [("hours", {"days": [day], "opens": time(9), "closes": time(10)})]
    clinic_settings.save()
    join(small_page, 1)
    # The booking page offers 9:00-10:30 now, but the clinic closes at 10:00: nothing new is free.
    small_page.weekly_hours.update(end=time(10, 30))
    assert type(small_page).objects.get(pk=small_page.pk).free_slots() == []
    with django_capture_on_commit_callbacks(execute=True):
        clinic_settings.opening_hours = [("hours", {"days": [day], "opens": time(9), "closes": time(11)})]
        clinic_settings.save()
    (offer,) = WaitlistOffer.objects.all()
    assert timezone.localtime(offer.slot_start).time() == time(10)


def test_publishing_the_booking_page_with_a_new_time_offers_it_at_once(
    small_page, target_day, django_capture_on_commit_callbacks
):
    join(small_page, 1)
    page = type(small_page).objects.get(pk=small_page.pk)
    page.weekly_hours = [WeeklyHours(weekday=target_day.weekday(), start=time(9), end=time(10, 30))]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    (offer,) = WaitlistOffer.objects.all()
    assert timezone.localtime(offer.slot_start).time() == time(10)


def test_claiming_a_later_time_for_a_visit_already_inside_the_notice_window_says_too_close(
    small_page, django_capture_on_commit_callbacks
):
    """Staff may offer any free time by hand, a later one too; if the visit it would move is by
    then inside the notice window, the claim is refused as "too close" (a phone call now), not as
    "taken", and the visit stays where it is."""
    first, second = small_page.booked
    with django_capture_on_commit_callbacks(execute=True):
        entry = wait_for_earlier(small_page, first)
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_cancel(visit_request=second, by_patient=True)
    BookingSettings.objects.update(change_notice_hours=24)
    # 23 h 50 min before the visit: it is inside the window, the freed time 30 minutes later is not.
    now = first.slot_start - timedelta(hours=23, minutes=50)
    offer = offer_by_staff(entry=entry, slot_start=second.slot_start, now=now)
    with pytest.raises(OfferGone) as refused:
        offer_claim(offer=offer, now=now)
    assert refused.value.reason == "too_late"
    first.refresh_from_db()
    assert first.slot_start == small_page.booked[0].slot_start
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.EXPIRED
