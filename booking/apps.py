from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Discovery visits"

    def ready(self):
        # Both modules import models, which Django's app registry forbids before ready().
        from wagtail.permissions import register_permission_policy

        from .models import VisitRequest
        from .permissions import visit_request_policy

        register_permission_policy(VisitRequest, visit_request_policy)
