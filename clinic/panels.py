"""Editor panels of the clinic's settings that other apps fill in, so the clinic knows none of them.

Under the opening hours: what other apps say about them (booking: whether visits can be booked
when the clinic says it is open). An app registers a function of (request, clinic settings as
edited) that returns an admin Component, or None when it has nothing to say:

    @hooks.register(OPENING_HOURS_CHECKS_HOOK)
    def check(request, clinic_settings): ...
"""

from django.utils.functional import cached_property

from wagtail import hooks
from wagtail.admin.panels import Panel

OPENING_HOURS_CHECKS_HOOK = "clinic_opening_hours_checks"


class OpeningHoursChecksPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "clinic/admin/opening_hours_checks.html"

        @cached_property
        def checks(self) -> list:
            found = (
                check(self.request, self.instance) for check in hooks.get_hooks(OPENING_HOURS_CHECKS_HOOK)
            )
            return [component for component in found if component is not None]

        def is_shown(self):
            return bool(self.checks) and super().is_shown()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["checks"] = self.checks
            return context
