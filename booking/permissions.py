"""Who may see visit requests (health data): superusers and the Front desk group only."""

from wagtail.permission_policies import ModelPermissionPolicy


class VisitRequestPermissionPolicy(ModelPermissionPolicy):
    """Requests come only from the booking form: nobody adds, copies or deletes them in the admin
    (the retention command anonymises them). Viewing needs `view_visitrequest`, which only
    superusers and the Front desk group have."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete", "copy"}:
            return False
        if action == "export":
            return user.is_active and user.has_perm("booking.export_visitrequest")
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
