"""The clinic's part of the demo site: home page, settings, care areas, team, testimonials, pages.

`load_demo_content` runs this first, then every other installed app's `demo.load`. Idempotent:
what exists, including anything staff edited, is left as it is."""

from django.conf import settings

from wagtail.contrib.redirects.models import Redirect
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from clinic.models import CareArea, ClinicSettings, HomePage, Person, StandardPage, Testimonial
from clinic.richtext import clean_rich_text

from . import clinic as data
from . import spanish

SPANISH = "es"


def ensure_site(*, log) -> Site:
    """The default Site with the demo home page as its root: where every app's part goes."""
    # The site's home page is the default language's; its translations are other HomePages.
    home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if home is None:
        # The root and default locale come from Wagtail's migrations; a flushed database has neither.
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        Locale.objects.get_or_create(language_code=SPANISH)
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
    language_page = _ensure_standard_page(home, {**spanish.LANGUAGE_HELP_EN, "show_in_menus": False}, log=log)
    _ensure_settings(site, privacy_page=pages["privacy"], log=log)
    _ensure_language_page_setting(site, language_page, log=log)
    _ensure_spanish(home, pages={**pages, "language-assistance": language_page}, site=site, log=log)


def ensure_translation(page: Page, *, language: str = SPANISH, log, **fields) -> Page:
    """`page` in `language`, created as Wagtail's "Translate" would (same place in that language's
    tree, same translation key) with `fields` set and published; left as it is when it exists."""
    locale, _ = Locale.objects.get_or_create(language_code=language)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    # A new slug (inicio, quienes-somos...) on a copy that was never live: nothing to redirect from.
    Redirect.objects.filter(redirect_page=translated).delete()
    log(f"Created the {language} translation {translated.url_path!r} of {page.title!r}.")
    return translated


def _ensure_spanish(home: HomePage, *, pages: dict, site: Site, log) -> None:
    services = [("service", {"title": t, "text": text, "page": None}) for t, text in spanish.SERVICES]
    ensure_translation(home, log=log, services=services, **spanish.HOME)
    specs = {**spanish.PAGES, "language-assistance": spanish.LANGUAGE_HELP_ES}
    for slug, spec in specs.items():
        body = [(kind, clean_rich_text(v) if kind == "paragraph" else v) for kind, v in spec["body"]]
        fields = {key: value for key, value in spec.items() if key != "body"}
        ensure_translation(pages[slug], log=log, body=body, **fields)
    # One row each, its Spanish texts beside the English (clinic.models.TranslatedTextsMixin).
    for area in CareArea.objects.filter(slug__in=spanish.CARE_AREAS, name_es=""):
        area.name_es, area.description_es = spanish.CARE_AREAS[area.slug]
        area.save(update_fields=["name_es", "description_es"])
    for person in Person.objects.filter(name__in=spanish.PEOPLE, role_es=""):
        texts = spanish.PEOPLE[person.name]
        person.role_es, person.bio_es = texts["role_es"], clean_rich_text(texts["bio_es"])
        person.save(update_fields=["role_es", "bio_es"])
    locale = Locale.objects.get(language_code=SPANISH)
    if not Testimonial.objects.filter(locale=locale).exists():
        english = list(Testimonial.objects.filter(locale=home.locale).order_by("sort_order", "pk"))
        for source, (quote, name, detail) in zip(english, spanish.TESTIMONIALS, strict=False):
            translated = source.copy_for_translation(locale)
            translated.quote, translated.name, translated.detail = quote, name, detail
            translated.save()
    clinic = ClinicSettings.for_site(site)
    if not clinic.tagline_es:
        for field, value in spanish.CLINIC.items():
            setattr(clinic, field, value)
        clinic.save(update_fields=list(spanish.CLINIC))


def _ensure_language_page_setting(site: Site, page: Page, *, log) -> None:
    clinic = ClinicSettings.for_site(site)
    if clinic.language_page_id is None:
        clinic.language_page = page
        clinic.save(update_fields=["language_page"])
        log("Linked the language assistance page from the footer.")


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
        english = Locale.get_default()
        Testimonial.objects.bulk_create(
            Testimonial(quote=quote, name=name, detail=detail, sort_order=order, locale=english)
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
