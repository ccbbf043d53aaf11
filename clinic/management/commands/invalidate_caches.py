"""`manage.py invalidate_caches`: every cached page and fragment stale now, and the front cache
banned, as after any content change (clinic/page_cache.py). For what no signal sees: a template
fixed on the server without a `migrate`, a Varnish restarted with an old copy in a file store."""

from django.core.management.base import BaseCommand

from clinic.page_cache import invalidate


class Command(BaseCommand):
    help = "Start a new page-cache generation and ban the whole site from the front cache."

    def handle(self, *args, **options):
        invalidate("manage.py invalidate_caches")
        self.stdout.write("Cached pages and fragments are stale; the front cache was asked to ban the site.")
