"""The clinic's part of the demo site: home page, settings, care areas, team, testimonials, pages.

`load_demo_content` runs this first, then every other installed app's `demo.load`. Idempotent:
what exists, including anything staff edited, is left as it is."""

from django.conf import settings

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from clinic.models import CareArea, ClinicSettings, HomePage, Person, StandardPage, Testimonial
from clinic.richtext import clean_rich_text

from . import clinic as data


def ensure_site(*, log) -> Site:
    """The default Site with the demo home page as its root: where every app's part goes."""
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
        services = [("service", {"title": t, "text": text, "page": None}) for t, text in data.SERVICES]
        home = HomePage(slug="home", **data.HOME, services=services)
        root.add_child(instance=home)
        home.save_revision().publish()
        log("Created the home page.")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    if site.root_page_id != home.pk or site.site_name != data.CLINIC["name"]:
        site.root_page = home
        site.site_name = data.CLINIC["name"]
        if (site.hostname, site.port) == ("localhost", 80):
            # Wagtail's placeholder; make canonical links match where `make run` serves.
            site.hostname, site.port = "127.0.0.1", 8000
        site.save()
    return site


def load(*, site: Site, log) -> None:
    home = site.root_page.specific
    _ensure_snippets()
    pages = {spec["slug"]: _ensure_standard_page(home, spec, log=log) for spec in data.PAGES}
    _ensure_settings(site, privacy_page=pages["privacy"], log=log)


def _ensure_snippets() -> None:
    for order, (name, slug, description) in enumerate(data.CARE_AREAS):
        CareArea.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
    for order, person in enumerate(data.PEOPLE):
        Person.objects.get_or_create(
            name=person["name"],
            defaults={**person, "bio": clean_rich_text(person["bio"]), "sort_order": order},
        )
    if not Testimonial.objects.exists():
        Testimonial.objects.bulk_create(
            Testimonial(quote=quote, name=name, detail=detail, sort_order=order)
            for order, (quote, name, detail) in enumerate(data.TESTIMONIALS)
        )


def _ensure_standard_page(home: HomePage, spec: dict, *, log) -> StandardPage:
    existing = home.get_children().filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing.specific
    body = [(kind, clean_rich_text(value) if kind == "paragraph" else value) for kind, value in spec["body"]]
    page = StandardPage(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec["intro"],
        show_in_menus=spec["show_in_menus"],
        body=body,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    log(f"Created the page /{spec['slug']}/.")
    return page


def _ensure_settings(site: Site, *, privacy_page: Page, log) -> None:
    clinic = ClinicSettings.for_site(site)
    if clinic.phone:
        return  # Staff have it now; never overwrite their edits.
    for field, value in data.CLINIC.items():
        setattr(clinic, field, value)
    clinic.opening_hours = [("hours", hours) for hours in data.OPENING_HOURS]
    clinic.privacy_page = privacy_page
    clinic.save()
    log("Filled in the clinic settings.")
