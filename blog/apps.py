from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        # Before wagtail.admin's ready(): see blog.workflow.NOTIFICATIONS.
        from .workflow import connect_notifications  # noqa: PLC0415 - needs the app registry

        connect_notifications()
