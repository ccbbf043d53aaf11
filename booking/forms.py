"""The booking form: validation only; booking itself is `services.visit_request_create`."""

import time
import unicodedata
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import CareArea
from clinic.phone import e164

from .models import VisitRequest
from .services import Patient
from .slots import parse_slot_value

NO_SLOT = "none"
STARTED_SALT = "booking.form-started"


def no_control_characters(value: str) -> None:
    # Line breaks in a name could forge email headers or break CSV exports; nobody's name has one.
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in "\u200c\u200d" for ch in value):
        raise forms.ValidationError(_("Please use letters only, without line breaks or special characters."))


class NameField(forms.CharField):
    default_validators = [no_control_characters]

    def __init__(self, **kwargs):
        super().__init__(max_length=60, **kwargs)


class PatientForm(forms.Form):
    """Who the patient is and how to reach them, their consent, and the form's spam protection
    (one-time token, minimum fill time, honeypot): the booking form and the waitlist's share it."""

    first_name = NameField(label=_("First name"), error_messages={"required": _("Enter your first name.")})
    last_name = NameField(label=_("Last name"), error_messages={"required": _("Enter your last name.")})
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel"}),
        error_messages={"required": _("Enter your phone number.")},
        help_text=_("For example: (954) 555-0123"),
    )
    concern = forms.ChoiceField(
        label=_("What would you like help with?"),
        error_messages={
            "required": _("Choose what you would like help with."),
            "invalid_choice": _("Choose one of the areas listed."),
        },
    )
    concern_other = forms.CharField(
        label=_("If other, what?"), required=False, max_length=60, validators=[no_control_characters]
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=VisitRequest.ContactMethod.choices,
        initial=VisitRequest.ContactMethod.EMAIL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how we should contact you.")},
    )
    consent = forms.BooleanField(
        label=_("You may contact me about this visit request."),
        error_messages={"required": _("Please agree that we may contact you, so we can arrange your visit.")},
    )
    # Hidden: where the patient came from, the one-time token, when the form was shown, a honeypot.
    source = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    form_token = forms.UUIDField(widget=forms.HiddenInput)
    started = forms.CharField(widget=forms.HiddenInput, max_length=100)
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    AUTOCOMPLETE = {
        "first_name": "given-name",
        "last_name": "family-name",
        "email": "email",
        "phone": "tel",
        "website": "off",
    }
    # Textareas whose length is counted as the patient types (js/booking.js).
    COUNTED: tuple[str, ...] = ()

    def __init__(self, *args, care_areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale = False
        areas = list(care_areas if care_areas is not None else CareArea.objects.all())
        self.care_areas = {area.slug: area for area in areas}
        self.fields["concern"].choices = [
            ("", _("Choose one")),
            *((a.slug, a.translated("name")) for a in areas),
            ("other", _("Other")),
        ]
        for name, value in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["website"].widget.attrs["tabindex"] = "-1"
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        for name in self.COUNTED:
            # No maxlength: the browser would cut what the patient typed or pasted without a word.
            # The limit is said in the hint, counted as they type (js/booking.js), and checked.
            widget = self.fields[name].widget
            widget.attrs.pop("maxlength", None)
            widget.attrs["data-count"] = str(self.fields[name].max_length)
            # js/booking.js's count under the field, in the patient's language ({count} is filled in).
            widget.attrs["data-count-left"] = _("{count} characters left")
            widget.attrs["data-count-left-one"] = _("1 character left")
            widget.attrs["data-count-over"] = _("{count} characters too many")
            widget.attrs["data-count-over-one"] = _("1 character too many")
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())
            self.initial.setdefault("started", signing.dumps(time.time(), salt=STARTED_SALT))
        self._describe()

    # Accessibility: every input points at its hint and its error message.

    def add_error(self, field, error):
        super().add_error(field, error)
        self._describe()

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}-hint")
            if self.is_bound and name in self.errors:
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if ids and not isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    # Validation

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_phone(self):
        typed = self.cleaned_data["phone"]
        if any(ch.isalpha() for ch in typed):
            # "954-CALL-NOW" would be stored as digits the patient never typed, and an extension
            # ("ext. 12") dropped: ask for the number as it is dialled instead.
            raise forms.ValidationError(
                _("Please type your phone number in digits, for example (954) 555-0123, without letters.")
            )
        number = e164(typed)
        if not number:
            raise forms.ValidationError(_("Enter a phone number such as (954) 555-0123."))
        return number

    def clean_concern(self):
        value = self.cleaned_data["concern"]
        return None if value == "other" else self.care_areas[value]

    def clean_started(self):
        # A stamp with no maximum age would let a bot fetch one and reuse it forever.
        max_age = 3600 * getattr(settings, "BOOKING_FORM_MAX_AGE_HOURS", 2)
        try:
            started = float(signing.loads(self.cleaned_data["started"], salt=STARTED_SALT, max_age=max_age))
        except signing.SignatureExpired:
            self.stale = True
            started = None
        except (signing.BadSignature, TypeError, ValueError):
            started = None
        return started

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _("Your request could not be sent. If you are a person, please call us instead."),
                code="blocked",
            )
        started = data.get("started")
        minimum = getattr(settings, "BOOKING_MIN_FILL_SECONDS", 3)
        if self.stale:
            self._restart()
            raise forms.ValidationError(
                _("This form was open for a long time, so please check your details and send it again."),
                code="stale",
            )
        if minimum and (started is None or time.time() - started < minimum):
            # The form comes back with its original start time (still signed), so a person who
            # fixes a field and sends again at once gets through. Only a missing or forged one
            # starts afresh, or it could never pass.
            if started is None:
                self._restart()
            raise forms.ValidationError(
                _("That was quicker than we expected. Please check your details and send the form again."),
                code="too_fast",
            )
        if data.get("concern", "") is None and not data.get("concern_other", "").strip():
            data["concern_other"] = ""
        return data

    def patient(self, **more) -> Patient:
        """Who the valid form says the patient is; `more` adds what only one form asks (the
        booking's race date and note)."""
        data = self.cleaned_data
        return Patient(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            concern=data["concern"],
            concern_other=data["concern_other"] if data["concern"] is None else "",
            preferred_contact=data["preferred_contact"],
            **more,
        )

    def _restart(self) -> None:
        # A fresh start time: a person who reads the message and sends again gets through.
        self.data = self.data.copy()
        self.data["started"] = signing.dumps(time.time(), salt=STARTED_SALT)


class BookingForm(PatientForm):
    slot = forms.CharField(
        max_length=40,
        error_messages={
            "required": _("Choose a time for your visit, or choose “None of these times suit me”."),
        },
    )
    preferred_times = forms.CharField(
        label=_("Which days and times suit you?"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: Tuesday or Thursday after 4 PM. Up to 300 characters."),
        error_messages={
            "max_length": _("Please keep this to 300 characters or fewer (it has %(show_value)d)."),
        },
    )
    race_date = forms.DateField(
        label=_("Upcoming race or event (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("If you are training for one, we will try to see you before it."),
        error_messages={"invalid": _("Enter the date like 2026-12-31.")},
    )
    note = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Up to 500 characters. Please do not include medical details here; we will ask in person."
        ),
        error_messages={
            "max_length": _("Please keep this to 500 characters or fewer (it has %(show_value)d)."),
        },
    )

    # The page's order, which is also the order of the error summary.
    field_order = [
        "slot",
        "preferred_times",
        "first_name",
        "last_name",
        "email",
        "phone",
        "concern",
        "concern_other",
        "race_date",
        "note",
        "preferred_contact",
        "consent",
        "source",
        "form_token",
        "started",
        "website",
    ]
    COUNTED = ("preferred_times", "note")

    def clean_slot(self):
        value = self.cleaned_data["slot"]
        if value == NO_SLOT:
            return None
        parsed = parse_slot_value(value)
        if parsed is None:
            raise forms.ValidationError(_("Choose one of the times listed."))
        return parsed

    def clean_race_date(self):
        value = self.cleaned_data["race_date"]
        today = timezone.localdate()
        if value and value < today:
            raise forms.ValidationError(
                _("That date has passed. Leave it empty if there is no upcoming race.")
            )
        if value and (value - today).days > 2 * 366:
            raise forms.ValidationError(_("Enter a date within the next two years."))
        return value

    def clean(self):
        data = super().clean()
        if "slot" in data and data["slot"] is None and not data.get("preferred_times", "").strip():
            self.add_error(
                "preferred_times", _("Tell us which days and times suit you, or choose a time above.")
            )
        return data


class FreshLinkForm(forms.Form):
    """A patient asks for a fresh manage link by email."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you gave when you booked."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["email"].widget
        widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "aria-describedby": "id_email-hint"}
        )
        if self.is_bound and self.errors:
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = "id_email-hint id_email-error"
