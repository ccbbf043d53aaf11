"""Who may see visit requests (health data): superusers and the Front desk group only.

Every screen asks through `can_view_visit_requests` and friends, so the rule lives in one place,
and that place is the same rule the second factor follows (`clinic.two_factor.sees_patient_data`):
nobody opens the inbox without being asked for a second factor."""

from wagtail.permission_policies import ModelPermissionPolicy

from clinic.two_factor import sees_patient_data

from .models import VisitRequest


class VisitRequestPermissionPolicy(ModelPermissionPolicy):
    """Requests come only from the booking form: nobody adds, copies or deletes them in the admin
    (the retention command anonymises them). Seeing them is `sees_patient_data` (any of the view,
    change and export permissions, which only superusers and the Front desk group have); changing
    and exporting need their own permission as well."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete", "copy"} or not sees_patient_data(user):
            return False
        if action == "view":
            return True
        if action == "export":
            return user.has_perm("booking.export_visitrequest")
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# The one instance: registered with Wagtail in BookingConfig.ready(), so the viewset uses it too.
visit_request_policy = VisitRequestPermissionPolicy(VisitRequest)


def can_view_visit_requests(user) -> bool:
    return visit_request_policy.user_has_permission(user, "view")


def can_change_visit_requests(user) -> bool:
    return visit_request_policy.user_has_permission(user, "change")


def can_export_visit_requests(user) -> bool:
    return visit_request_policy.user_has_permission(user, "export")
