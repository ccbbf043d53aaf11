"""The inbox's edit screen: the form staff change a request with (status, a new time, their
notes), the day-first picker its new time is chosen with, and the panel above it that says where
the request stands."""

from datetime import date

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import Panel

from ..formatting import visit_time, zone_label
from ..models import VisitRequest
from ..picker import build_picker
from ..slots import Slot, parse_slot_value, slot_value
from .columns import OtherRequests, language_label, no_shows_of, notification_summary, visit_display

PATIENT_EMAILED = (
    "The patient is emailed when you confirm, cancel or move the visit. "
    "Notes and the other statuses send nothing."
)
NOT_MOVABLE = (
    "Only a new, contacted or confirmed visit can move. To reopen a cancelled one, save its new status first."
)


def move_slots(visit_request: VisitRequest) -> list[Slot]:
    """The booking page's free times the visit can move to, as the patient's own "move" offers
    them: none for a request that is not active."""
    page = visit_request.page
    if page is None or not visit_request.is_active:
        return []
    return [slot for slot in page.free_slots() if slot.start != visit_request.slot_start]


class MovePickerWidget(forms.Widget):
    """The new time, day first, as patients choose theirs: the days with free times as links
    (`?day=`: without JavaScript a day is a page load), then the open day's times as radio
    buttons by part of the day. js/booking-admin.js shows a day's times in place instead."""

    template_name = "booking/admin/move_picker.html"

    def __init__(self, *, visit_request: VisitRequest, free: list[Slot], day: date | None):
        super().__init__()
        self.visit_request = visit_request
        self.free = free
        self.day = day

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picker = build_picker(
            self.free, tz=timezone.get_default_timezone(), requested_day=self.day, chosen_value=value or None
        )
        current = self.visit_request.slot_start
        context.update(
            {
                "picker": picker,
                "keep_label": (
                    _("Keep the current time: %(time)s") % {"time": visit_time(current)}
                    if current
                    else _("No time set")
                ),
                "zone_label": zone_label(timezone.now()),
                "times_url": reverse("visit_requests:move_times", args=[self.visit_request.pk]),
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # From the project's templates (the form renderer only looks in apps and Django's own).
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class VisitRequestAdminForm(WagtailAdminModelForm):
    new_time = forms.ChoiceField(
        label="Move to",
        required=False,
        error_messages={"invalid_choice": "That time is no longer free. Please choose another."},
    )

    def __init__(self, *args, move_day: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_time"]
        free = move_slots(self.instance)
        keep = _("Keep the current time") if self.instance.slot_start else _("No time set")
        field.choices = [("", keep)] + [(slot_value(slot.start), visit_time(slot.start)) for slot in free]
        if free:
            field.widget = MovePickerWidget(visit_request=self.instance, free=free, day=move_day)
            field.help_text = _(
                "Choose a day, then a time (the clinic's time zone, %(zone)s). The patient is emailed "
                "the new time with an updated calendar file."
            ) % {"zone": zone_label(timezone.now())}
        else:
            field.disabled = True
            field.help_text = NOT_MOVABLE if not self.instance.is_active else "No free times to move to."

    def clean_new_time(self):
        value = self.cleaned_data["new_time"]
        return parse_slot_value(value) if value else None

    def clean(self):
        cleaned_data = super().clean()
        # The instance still holds the saved status here: the form's values reach it after clean().
        moving = cleaned_data.get("new_time") is not None
        if moving and cleaned_data.get("status") not in VisitRequest.ACTIVE_STATUSES:
            self.add_error("new_time", NOT_MOVABLE)
        return cleaned_data


class VisitRequestSummaryPanel(Panel):
    """The visit's time, the emails sent about it and the same patient's other active requests,
    above the fields that change them."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "booking/admin/visit_request_summary.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["visit"] = visit_display(self.instance)
            # Staff write in English; the patient's emails go out in this language.
            context["language"] = language_label(self.instance)
            context["emails"] = notification_summary(self.instance)
            context["others"] = OtherRequests(self.instance)
            context["no_shows"] = no_shows_of(self.instance)
            return context
