"""The waitlist's forms: what kind of time the patient waits for, and (joining from the booking
page) who they are, with the booking form's own patient fields, consent and spam protection."""

from datetime import timedelta

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..forms import PatientForm
from ..picker import PARTS_OF_DAY
from .models import PART_CHOICES, WEEKDAY_CHOICES


class WishesForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Which days suit you?"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one day."),
            "invalid_choice": _("Choose days from the list."),
        },
    )
    parts = forms.MultipleChoiceField(
        label=_("Which parts of the day suit you?"),
        choices=PART_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one part of the day."),
            "invalid_choice": _("Choose parts of the day from the list."),
        },
    )
    until = forms.DateField(
        label=_("Until when?"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("We will offer you times up to and including this day."),
        error_messages={
            "required": _("Enter the last day you could come."),
            "invalid": _("Enter the date like 2026-12-31."),
        },
    )

    def __init__(self, *args, horizon_days: int = 30, **kwargs):
        super().__init__(*args, **kwargs)
        self.horizon_days = horizon_days
        # The picker's own boundaries (booking.picker), in the patient's language and clock.
        starts = [formats.time_format(starts, "TIME_FORMAT") for _name, starts in PARTS_OF_DAY[1:]]
        self.fields["parts"].help_text = _(
            "Morning is before %(afternoon)s, afternoon from %(afternoon)s to %(evening)s, evening "
            "from %(evening)s."
        ) % {"afternoon": starts[0], "evening": starts[1]}
        if not self.is_bound:
            self.initial.setdefault("weekdays", [0, 1, 2, 3, 4])
            self.initial.setdefault("parts", ["morning", "afternoon", "evening"])
            self.initial.setdefault("until", timezone.localdate() + timedelta(days=horizon_days))
        self.fields["until"].widget.attrs["aria-describedby"] = "id_until-hint"

    def full_clean(self):
        super().full_clean()
        # The date input points at its error message too (the checkbox groups' fieldsets do).
        if "until" in self._errors:
            widget = self.fields["until"].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = "id_until-hint id_until-error"

    def clean_until(self):
        value = self.cleaned_data["until"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("That date has passed. Choose a day from today on."))
        if value > today + timedelta(days=self.horizon_days):
            raise forms.ValidationError(
                _("We book up to %(days)d days ahead: choose a day before %(last)s.")
                % {"days": self.horizon_days, "last": today + timedelta(days=self.horizon_days + 1)}
            )
        return value


class WaitlistForm(PatientForm, WishesForm):
    """Joining from the booking page: the patient's details (as on the booking form) and wishes."""

    field_order = [
        "weekdays",
        "parts",
        "until",
        "first_name",
        "last_name",
        "email",
        "phone",
        "concern",
        "concern_other",
        "preferred_contact",
        "consent",
    ]

    consent = forms.BooleanField(
        label=_("You may contact me about the waitlist and this visit request."),
        error_messages={"required": _("Please agree that we may contact you, so we can arrange your visit.")},
    )

    def __init__(self, *args, care_areas=None, horizon_days: int = 30, **kwargs):
        super().__init__(*args, care_areas=care_areas, horizon_days=horizon_days, **kwargs)
