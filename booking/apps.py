from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Discovery visits"

    def ready(self):
        # Both modules import models, which Django's app registry forbids before ready().
        from wagtail.permissions import register_permission_policy  # noqa: PLC0415

        from .models import VisitRequest  # noqa: PLC0415
        from .permissions import visit_request_policy  # noqa: PLC0415

        register_permission_policy(VisitRequest, visit_request_policy)
