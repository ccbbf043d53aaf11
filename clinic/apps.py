from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save

from wagtail.images import get_image_model

from clinic.originals import clean_new_original


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        # clinic.accounts uses the auth models, and clinic.page_cache Wagtail's page, image and
        # snippet models, which Django's app registry gives out only once ready.
        from clinic import frontend_cache, page_cache  # noqa: PLC0415
        from clinic.accounts import start_staff_session  # noqa: PLC0415

        user_logged_in.connect(start_staff_session, dispatch_uid="clinic_start_staff_session")
        page_cache.connect_signals()
        frontend_cache.connect_signals()
        # Every new original is stored without its metadata, whichever way it came in.
        pre_save.connect(clean_new_original, sender=get_image_model(), dispatch_uid="clinic_clean_original")
