from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save

from wagtail.images import get_image_model

from clinic.originals import clean_new_original


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        # clinic.accounts uses the auth models, clinic.page_cache Wagtail's page, image and
        # snippet models, clinic.two_factor django-otp's: the app registry gives them out only
        # once ready.
        from clinic import checks, frontend_cache, page_cache  # noqa: F401, PLC0415 - checks registers itself
        from clinic.accounts import start_staff_session  # noqa: PLC0415
        from clinic.two_factor import DEVICE_MODELS, forget_device  # noqa: PLC0415

        user_logged_in.connect(start_staff_session, dispatch_uid="clinic_start_staff_session")
        page_cache.connect_signals()
        frontend_cache.connect_signals()
        # Every new original is stored without its metadata, whichever way it came in.
        pre_save.connect(clean_new_original, sender=get_image_model(), dispatch_uid="clinic_clean_original")
        # Whether someone has set up a second factor is cached: a device change forgets it.
        for model in DEVICE_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(forget_device, sender=model, dispatch_uid=f"clinic_forget_{model.__name__}")
