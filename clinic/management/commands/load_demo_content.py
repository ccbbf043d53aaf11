"""Builds the demo clinic: settings, care areas, team, testimonials and the page tree. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from clinic.demo import clinic as demo
from clinic.models import CareArea, ClinicSettings, HomePage, Person, StandardPage, Testimonial
from clinic.richtext import clean_rich_text


class Command(BaseCommand):
    help = (
        "Create the demo clinic (Ageless Agility, Davie FL) with its pages and settings. "
        "Safe to run again: what exists is left as it is, nothing is duplicated."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            site = self.ensure_site()
            home = site.root_page.specific
            self.ensure_snippets()
            pages = {spec["slug"]: self.ensure_standard_page(home, spec) for spec in demo.PAGES}
            self.ensure_settings(site, privacy_page=pages["privacy"])
            for dotted_path in settings.DEMO_CONTENT_LOADERS:
                import_string(dotted_path)(site=site, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {home.full_url or '/'}"))

    def ensure_site(self) -> Site:
        home = HomePage.objects.first()
        if home is None:
            # The root and default locale come from Wagtail's migrations; a flushed database has neither.
            Locale.objects.get_or_create(
                language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
            )
            root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
            # Wagtail's first migration leaves a bare "Welcome" page at slug "home"; replace it.
            for child in root.get_children():
                if child.specific_class is Page and child.slug == "home" and child.is_leaf():
                    child.delete()
            services = [("service", {"title": t, "text": text, "page": None}) for t, text in demo.SERVICES]
            home = HomePage(slug="home", **demo.HOME, services=services)
            root.add_child(instance=home)
            home.save_revision().publish()
            self.stdout.write("Created the home page.")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        if site.root_page_id != home.pk or site.site_name != demo.CLINIC["name"]:
            site.root_page = home
            site.site_name = demo.CLINIC["name"]
            if (site.hostname, site.port) == ("localhost", 80):
                # Wagtail's placeholder; make canonical links match where `make run` serves.
                site.hostname, site.port = "127.0.0.1", 8000
            site.save()
        return site

    def ensure_snippets(self) -> None:
        for order, (name, slug, description) in enumerate(demo.CARE_AREAS):
            CareArea.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "sort_order": order}
            )
        for order, person in enumerate(demo.PEOPLE):
            Person.objects.get_or_create(
                name=person["name"],
                defaults={**person, "bio": clean_rich_text(person["bio"]), "sort_order": order},
            )
        if not Testimonial.objects.exists():
            Testimonial.objects.bulk_create(
                Testimonial(quote=quote, name=name, detail=detail, sort_order=order)
                for order, (quote, name, detail) in enumerate(demo.TESTIMONIALS)
            )

    def ensure_standard_page(self, home: HomePage, spec: dict) -> StandardPage:
        existing = home.get_children().filter(slug=spec["slug"]).first()
        if existing is not None:
            return existing.specific
        body = [
            (kind, clean_rich_text(value) if kind == "paragraph" else value) for kind, value in spec["body"]
        ]
        page = StandardPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            show_in_menus=spec["show_in_menus"],
            body=body,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        self.stdout.write(f"Created the page /{spec['slug']}/.")
        return page

    def ensure_settings(self, site: Site, *, privacy_page: Page) -> None:
        clinic = ClinicSettings.for_site(site)
        if clinic.phone:
            return  # Staff have it now; never overwrite their edits.
        for field, value in demo.CLINIC.items():
            setattr(clinic, field, value)
        clinic.opening_hours = [("hours", hours) for hours in demo.OPENING_HOURS]
        clinic.privacy_page = privacy_page
        clinic.save()
        self.stdout.write("Filled in the clinic settings.")
