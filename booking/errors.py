"""What can go wrong with a booking, in words fit to show the patient (services and seats raise
these; views show them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext

if TYPE_CHECKING:
    from .models import VisitRequest


class BookingError(Exception):
    """A booking that cannot be made; the message is fit to show the patient."""


class SlotTaken(BookingError):
    def __init__(self):
        super().__init__(gettext("Sorry, that time was just taken, please pick another."))


class SlotUnavailable(BookingError):
    def __init__(self):
        super().__init__(gettext("That time is no longer available, please pick another."))


class RequestClosed(BookingError):
    def __init__(self):
        super().__init__(gettext("This visit request can no longer be changed."))


class InsideNoticeWindow(BookingError):
    """The patient tried to move or cancel a visit that is closer than the clinic's notice for
    changes (Booking settings); the front desk can still change it by phone."""

    def __init__(self, hours: int):
        self.hours = hours
        super().__init__(
            ngettext(
                "Your visit is less than %(hours)d hour away, so it can no longer be moved or "
                "cancelled online. Please call us.",
                "Your visit is less than %(hours)d hours away, so it can no longer be moved or "
                "cancelled online. Please call us.",
                hours,
            )
            % {"hours": hours}
        )


class OutcomeTooEarly(BookingError):
    def __init__(self):
        super().__init__("A visit's outcome can be marked once its time has come.")


class TooManyActive(BookingError):
    def __init__(self, count: int):
        # No dates or times: anyone can type someone else's email address into the form.
        super().__init__(
            ngettext(
                "You already have %(count)d visit booked or requested with us under this email "
                "address or phone number. To change it, use the link in your email, or ask us for a "
                "fresh link. You are welcome to call us, too.",
                "You already have %(count)d visits booked or requested with us under this email "
                "address or phone number. To change one, use the link in your email, or ask us for a "
                "fresh link. You are welcome to call us, too.",
                count,
            )
            % {"count": count}
        )


class AlreadySubmitted(Exception):
    """No second request was made: the form's one-time token was used before, or the browser that
    sent it has just booked. Whoever sent it this time may be someone else holding the token, so
    the view decides what to show; `same_patient` says they gave the first request's contact
    details."""

    def __init__(self, visit_request: VisitRequest, *, same_patient: bool = False):
        super().__init__("This form was sent already.")
        self.visit_request = visit_request
        self.same_patient = same_patient
