"""Admin forms of site-wide settings whose fields decide where patient data is sent."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.log_actions import log

from clinic.two_factor import may_route_patient_data

LOG_ROUTING_CHANGED = "clinic.patient_data_routing.changed"
ROUTING_LOG_ACTION = (
    LOG_ROUTING_CHANGED,
    _("Change where patient data is sent"),
    _("Changed where patient data is sent"),
)


class PatientDataRoutingForm(WagtailAdminModelForm):
    """A settings form some of whose fields say where patient data goes: the model's
    `patient_data_routing`, {field name: why it is locked}. Only sessions that
    `may_route_patient_data` change them. For anyone else they are shown read-only, saying why,
    while the rest of the form stays editable, and a changed value posted anyway is refused with
    the same sentence. Every change is written to Wagtail's audit log with its old and new value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        routing = getattr(self._meta.model, "patient_data_routing", {})
        allowed = self.for_user is not None and may_route_patient_data(self.for_user)
        self.routing = {name: why for name, why in routing.items() if name in self.fields}
        self.locked = {} if allowed else self.routing
        for name, why in self.locked.items():
            self.fields[name].disabled = True
            self.fields[name].help_text = why

    def clean(self):
        cleaned_data = super().clean()
        for name, why in self.locked.items():
            # A browser does not send a disabled field; a value that differs is someone trying.
            if name in self.data and _same_text(self.data[name]) != _same_text(self.initial.get(name)):
                self.add_error(name, why)
        return cleaned_data

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit:
            for name in self.changed_data:
                if name in self.routing and name not in self.locked:
                    before, after = self.initial.get(name) or "", self.cleaned_data.get(name) or ""
                    data = {"field": name, "from": before, "to": after}
                    log(instance=instance, action=LOG_ROUTING_CHANGED, user=self.for_user, data=data)
        return instance


def _same_text(value) -> str:
    return "\n".join(line.strip() for line in str(value or "").splitlines() if line.strip())
