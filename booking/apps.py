from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Discovery visits"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from .models import VisitRequest
        from .permissions import VisitRequestPermissionPolicy

        register_permission_policy(VisitRequest, VisitRequestPermissionPolicy(VisitRequest))
