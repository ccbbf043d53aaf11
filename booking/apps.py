from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Discovery visits"

    def ready(self):
        # These modules import models, which Django's app registry forbids before ready().
        from django.db.models.signals import post_save  # noqa: PLC0415

        from wagtail.permissions import register_permission_policy  # noqa: PLC0415
        from wagtail.signals import page_published  # noqa: PLC0415

        from clinic.models import ClinicSettings  # noqa: PLC0415

        from .models import DiscoveryVisitPage, VisitRequest  # noqa: PLC0415
        from .permissions import visit_request_policy  # noqa: PLC0415
        from .waitlist.tasks import offer_after_hours_change, offer_after_publish  # noqa: PLC0415

        register_permission_policy(VisitRequest, visit_request_policy)
        # New opening hours or a removed closure, once published, may free times the waitlist wants.
        page_published.connect(offer_after_publish, sender=DiscoveryVisitPage, dispatch_uid="waitlist")
        # So may the clinic's own opening hours (Settings › Clinic), which bound the booking page's.
        post_save.connect(offer_after_hours_change, sender=ClinicSettings, dispatch_uid="waitlist")
