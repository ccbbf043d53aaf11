"""The inbox's edit screen: the form staff change a request with (status, a new time, their
notes) and the panel above it that says where the request stands."""

from django import forms
from django.utils import timezone

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import Panel

from ..formatting import clock, zone_label
from ..models import VisitRequest
from ..slots import group_by_day, parse_slot_value, slot_value
from .columns import OtherRequests, notification_summary, visit_display

PATIENT_EMAILED = (
    "The patient is emailed when you confirm, cancel or move the visit. "
    "Notes and the other statuses send nothing."
)
NOT_MOVABLE = (
    "Only a new, contacted or confirmed visit can move. To reopen a cancelled one, save its new status first."
)


def new_time_choices(visit_request: VisitRequest) -> list:
    """'Keep the time' first, then the booking page's free times, grouped by day, as the
    patient's own "move" offers them."""
    keep = ("", "Keep the current time" if visit_request.slot_start else "No time set")
    page = visit_request.page
    if page is None or not visit_request.is_active:
        return [keep]
    free = [slot for slot in page.free_slots() if slot.start != visit_request.slot_start]
    return [keep] + [
        (f"{day:%a} {day.day} {day:%b}", [(slot_value(slot.start), clock(slot.start)) for slot in slots])
        for day, slots in group_by_day(free)
    ]


class VisitRequestAdminForm(WagtailAdminModelForm):
    new_time = forms.ChoiceField(
        label="Move to",
        required=False,
        error_messages={"invalid_choice": "That time is no longer free. Please choose another."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_time"]
        field.choices = new_time_choices(self.instance)
        if len(field.choices) > 1:
            zone = zone_label(timezone.now())
            field.help_text = (
                f"Free times, in the clinic's time zone ({zone}). The patient is emailed the new time "
                "with an updated calendar file."
            )
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
            context["emails"] = notification_summary(self.instance)
            context["others"] = OtherRequests(self.instance)
            return context
