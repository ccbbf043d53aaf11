from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        # Before wagtail.admin's ready(): see blog.workflow.NOTIFICATIONS.
        from django.db.models.signals import post_save  # noqa: PLC0415

        from .models import BlogIndexPage  # noqa: PLC0415 - needs the app registry
        from .services import staff_for_translated_blog  # noqa: PLC0415
        from .workflow import connect_notifications  # noqa: PLC0415

        connect_notifications()
        # Translating the blog (the Spanish blog) gives it the English blog's editors, reviewers
        # and Clinical review workflow.
        post_save.connect(
            staff_for_translated_blog, sender=BlogIndexPage, dispatch_uid="blog_translation_staff"
        )
