"""Builds the demo site: the clinic's part, then each installed app's part. Idempotent.

An app adds its part with a `demo` module that has `load(*, site, log)`, found by convention as
Wagtail finds each app's `wagtail_hooks`, so `clinic` never names the apps that stand on it."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from clinic.demo import ensure_site


def demo_loaders() -> list:
    """Each installed app's `demo.load`: this command's own app first, since everything else stands
    on its settings, team and care areas; then the others in INSTALLED_APPS order."""
    own = apps.get_containing_app_config(__name__)
    configs = [own, *(config for config in apps.get_app_configs() if config is not own)]
    loaders = []
    for config in configs:
        if module_has_submodule(config.module, "demo"):
            load = getattr(import_module(f"{config.name}.demo"), "load", None)
            if callable(load):
                loaders.append(load)
    return loaders


class Command(BaseCommand):
    help = (
        "Create the demo clinic (Ageless Agility, Davie FL) with its pages and settings. "
        "Safe to run again: what exists is left as it is, nothing is duplicated."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            site = ensure_site(log=self.stdout.write)
            for load in demo_loaders():
                load(site=site, log=self.stdout.write)
        # The home page as its own type, whose links name the public origin (CLINIC_PUBLIC_URL,
        # which `make run` sets from HOST and PORT), not the Site record's host and port.
        home = site.root_page.specific
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {home.full_url or '/'}"))
