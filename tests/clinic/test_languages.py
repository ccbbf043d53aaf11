"""The Spanish site (issue 18): pages under /es/ in Spanish, the switch to the same page, hreflang
and the sitemap's alternates, search and feeds per language, caches that never cross languages,
the Spanish catalog, and the admin's out-of-date mark on translations."""

import re
import shutil
import subprocess
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from bs4 import BeautifulSoup

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Locale

from clinic.demo import ensure_translation
from tests.factories import (
    BlogIndexPageFactory,
    BlogPageFactory,
    CareAreaFactory,
    DiscoveryVisitPageFactory,
    StandardPageFactory,
)

CATALOG = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


def quiet(*args):
    pass


@pytest.fixture
def spanish(db):
    return Locale.objects.get_or_create(language_code="es")[0]


@pytest.fixture
def site(home, clinic_settings, spanish):
    """Home, About and the blog with one article in English; all but a second article in Spanish."""
    about = StandardPageFactory(parent=home, title="About us", slug="about", show_in_menus=True)
    blog = BlogIndexPageFactory(parent=home, show_in_menus=True)
    hip = CareAreaFactory(name="Hip", slug="hip", name_es="Cadera")
    article = BlogPageFactory(parent=blog, title="Hip pain in runners", slug="hip-pain", categories=[hip])
    untranslated = BlogPageFactory(parent=blog, title="Knee pain", slug="knee-pain", categories=[hip])
    ensure_translation(home, log=quiet, title="Inicio", slug="inicio", hero_heading="Corra sin dolor")
    about_es = ensure_translation(about, log=quiet, title="Quiénes somos", slug="quienes-somos")
    blog_es = ensure_translation(blog, log=quiet, title="Blog", intro="Consejos de nuestros fisioterapeutas.")
    article_es = ensure_translation(
        article,
        log=quiet,
        title="Dolor de cadera en corredores",
        slug="dolor-de-cadera",
        intro="Por qué duele la cadera al correr.",
        body=[("paragraph", "<p>Los corredores sienten dolor de cadera.</p>")],
        reviewed_by=None,
        last_reviewed=None,
    )
    return {
        "home": home,
        "about": about,
        "about_es": about_es,
        "blog": blog,
        "blog_es": blog_es,
        "article": article,
        "article_es": article_es,
        "untranslated": untranslated,
    }


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


# The catalog


def test_spanish_catalog_has_no_untranslated_or_fuzzy_message():
    catalog = polib.pofile(str(CATALOG))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_spanish_catalog_compiles_with_matching_placeholders():
    """msgfmt --check: each translation keeps its original's %(name)s placeholders and the header
    is valid; a broken placeholder would raise at render time."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        [msgfmt, "--check", "--output-file=/dev/null", str(CATALOG)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_spanish_catalog_keeps_named_placeholders():
    catalog = polib.pofile(str(CATALOG))
    placeholder = re.compile(r"%\(\w+\)[sd.0-9f]*|\{\w+\}")
    wrong = [
        entry.msgid
        for entry in catalog.translated_entries()
        for translated in ([entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values())
        if sorted(set(placeholder.findall(translated)))
        != sorted(set(placeholder.findall(entry.msgid_plural or entry.msgid)))
        and not entry.msgid_plural
    ]
    assert wrong == []


# Pages under /es/


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/es/", "Corra sin dolor"),
        ("/es/quienes-somos/", "Quiénes somos"),
        ("/es/blog/dolor-de-cadera/", None),
    ],
)
def test_spanish_page_renders_in_spanish(client, site, url, heading):
    page = soup(client.get(url))
    assert page.html["lang"] == "es"
    assert page.find("a", class_="skip-link").get_text() == "Saltar al contenido principal"
    if heading:
        assert page.h1.get_text(strip=True) == heading


def test_spanish_page_says_its_language_in_the_content_language_header(client, site):
    assert client.get("/es/quienes-somos/")["Content-Language"] == "es"
    assert client.get("/about/")["Content-Language"] == "en"


def test_english_page_stays_english_for_a_browser_preferring_spanish(client, site):
    response = client.get("/about/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    assert soup(response).html["lang"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")


def test_english_page_with_a_translation_offers_it_in_a_template(client, site):
    offer = soup(client.get("/about/")).find("template", id="language-offer")
    assert offer is not None
    assert 'href="/es/quienes-somos/"' in offer.decode_contents()


def test_hreflang_alternates_name_both_languages_and_x_default(client, site):
    links = {
        link["hreflang"]: link["href"]
        for link in soup(client.get("/es/quienes-somos/")).find_all("link", rel="alternate", hreflang=True)
    }
    assert links["en"].endswith("/about/")
    assert links["es"].endswith("/es/quienes-somos/")
    assert links["x-default"] == links["en"]


def test_untranslated_page_has_no_alternates(client, site):
    assert soup(client.get("/blog/knee-pain/")).find_all("link", hreflang=True) == []


# The language switch


def test_switch_on_an_english_page_goes_to_the_same_page_in_spanish(client, site):
    switch = soup(client.get("/about/")).find("nav", class_="language-switch")
    link = switch.find("a")
    assert link["href"] == "/es/quienes-somos/"
    assert link["hreflang"] == "es"
    assert link["lang"] == "es"


def test_switch_on_a_spanish_page_goes_to_the_same_page_in_english(client, site):
    link = soup(client.get("/es/blog/dolor-de-cadera/")).find("nav", class_="language-switch").find("a")
    assert link["href"] == "/blog/hip-pain/"
    assert link.get_text() == "English"


def test_switch_on_an_untranslated_page_says_so_in_spanish_instead_of_linking_home(client, site):
    switch = soup(client.get("/blog/knee-pain/")).find("nav", class_="language-switch")
    assert switch.find("a") is None
    assert switch.get_text(strip=True) == "Español: todavía no está traducida"
    assert switch.find("span")["lang"] == "es"


def test_switch_on_a_category_goes_to_the_same_category(client, site):
    link = soup(client.get("/blog/category/hip/")).find("nav", class_="language-switch").find("a")
    assert link["href"] == "/es/blog/category/hip/"


def test_spanish_category_page_lists_only_spanish_articles_under_the_spanish_name(client, site):
    page = soup(client.get("/es/blog/category/hip/"))
    assert page.h1.get_text(strip=True) == "Artículos sobre Cadera"
    titles = [a.get_text(strip=True) for a in page.select(".article-card__title a")]
    assert titles == ["Dolor de cadera en corredores"]


# Structured data, sitemap, feeds, search


def test_spanish_article_json_ld_says_it_is_in_spanish(client, site):
    scripts = soup(client.get("/es/blog/dolor-de-cadera/")).find_all("script", type="application/ld+json")
    assert '"inLanguage":"es-US"' in "".join(script.string for script in scripts)


def test_sitemap_lists_both_languages_with_alternates(client, site):
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://testserver/es/quienes-somos/</loc>" in sitemap
    assert '<xhtml:link rel="alternate" hreflang="es" href="http://testserver/es/quienes-somos/"/>' in sitemap
    assert '<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver/about/"/>' in sitemap


def test_each_language_has_its_own_feed(client, site):
    english = client.get("/blog/feed/").content.decode()
    spanish = client.get("/es/blog/feed/").content.decode()
    assert "<title>Dolor de cadera en corredores</title>" in spanish
    assert "Hip pain in runners" not in spanish
    assert "<language>es</language>" in spanish
    assert "Dolor de cadera" not in english


def test_spanish_search_returns_spanish_pages_only(client, site):
    results = soup(client.get("/es/search/?q=cadera")).select(".search-results a")
    assert [a["href"] for a in results] == ["/es/blog/dolor-de-cadera/"]


def test_english_search_returns_english_pages_only(client, site):
    results = soup(client.get("/search/?q=hip")).select(".search-results a")
    assert "/blog/hip-pain/" in [a["href"] for a in results]
    assert all(not a["href"].startswith("/es/") for a in results)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming configurations are PostgreSQL's")
def test_spanish_search_finds_a_word_by_its_stem_on_postgresql(client, site):
    """ "corredor" finds "corredores" with PostgreSQL's spanish configuration."""
    results = soup(client.get("/es/search/?q=corredor")).select(".search-results a")
    assert "/es/blog/dolor-de-cadera/" in [a["href"] for a in results]


# Caches


def test_page_cache_never_serves_one_language_for_the_other(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert soup(client.get("/about/")).html["lang"] == "en"
    assert soup(client.get("/es/quienes-somos/")).html["lang"] == "es"
    cached_english = client.get("/about/", HTTP_ACCEPT_LANGUAGE="es")
    cached_spanish = client.get("/es/quienes-somos/", HTTP_ACCEPT_LANGUAGE="en")
    assert cached_english["X-Page-Cache"] == "hit"
    assert soup(cached_english).html["lang"] == "en"
    assert cached_spanish["X-Page-Cache"] == "hit"
    assert soup(cached_spanish).html["lang"] == "es"


def test_footer_fragment_is_kept_per_language(client, site, settings):
    settings.FRAGMENT_CACHE_SECONDS = 60
    client.get("/about/")
    footer = soup(client.get("/es/quienes-somos/")).find("footer")
    assert "Pacientes nuevos" in footer.get_text()


# Query budgets: a Spanish page costs what its English page costs


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("/", "/es/"),
        ("/about/", "/es/quienes-somos/"),
        ("/blog/", "/es/blog/"),
        ("/blog/hip-pain/", "/es/blog/dolor-de-cadera/"),
        ("/blog/category/hip/", "/es/blog/category/hip/"),
    ],
)
@pytest.mark.parametrize("fragment_cache", [0, 60])
def test_spanish_page_takes_no_more_queries_than_its_english_page(
    client, site, settings, english, spanish, fragment_cache
):
    settings.FRAGMENT_CACHE_SECONDS = fragment_cache

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert count(spanish) <= count(english)


# Demo content


def test_demo_builds_the_spanish_site(client, demo_site):
    for url in [
        "/es/",
        "/es/quienes-somos/",
        "/es/servicios/",
        "/es/privacidad/",
        "/es/blog/",
        "/es/blog/dolor-de-cadera-en-corredores/",
        "/es/blog/category/hip/",
        "/es/reservar/",
        "/es/asistencia-con-el-idioma/",
        "/language-assistance/",
    ]:
        assert soup(client.get(url)).html["lang"] in {"es", "en"}, url
    footer = soup(client.get("/es/")).find("footer")
    assert footer.find("a", lang="en").get_text() == "Language assistance"
    assert footer.find("a", lang="es")["href"] == "/es/asistencia-con-el-idioma/"


def test_every_booking_link_on_a_spanish_article_goes_to_the_spanish_booking_page(client, demo_site):
    article = soup(client.get("/es/blog/dolor-de-cadera-en-corredores/"))
    links = [
        a["href"]
        for a in article.find_all("a", href=True)
        if "/book/" in a["href"] or "/reservar/" in a["href"]
    ]
    assert len(links) >= 2  # the header's button and the call to action, at least
    assert all(urlsplit(href).path == "/es/reservar/" for href in links), links


# The admin: a translation that fell behind its source


@pytest.fixture
def boss(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss")
    client.force_login(user)
    return user


def test_translation_edited_after_its_source_is_not_marked(client, site, boss):
    response = client.get(f"/admin/pages/{site['article_es'].pk}/edit/")
    assert response.status_code == 200
    assert "Out of date" not in response.content.decode()


def test_source_published_again_marks_its_translation_out_of_date_in_the_editor(client, site, boss):
    article = site["article"]
    article.intro = "What changed since the Spanish was written."
    article.save_revision().publish()
    response = client.get(f"/admin/pages/{site['article_es'].pk}/edit/")
    page = soup(response)
    warning = next(m for m in page.select(".messages li") if "Out of date" in m.get_text())
    assert warning.find("a")["href"] == f"/admin/pages/{article.pk}/edit/"


def test_source_lists_its_out_of_date_translations_in_the_editor(client, site, boss):
    article = site["article"]
    article.save_revision().publish()
    page = soup(client.get(f"/admin/pages/{article.pk}/edit/"))
    notice = next(m for m in page.select(".messages li") if "Translations out of date" in m.get_text())
    assert notice.find("a")["href"] == f"/admin/pages/{site['article_es'].pk}/edit/"


def test_saving_the_translation_again_clears_the_mark(client, site, boss):
    site["article"].save_revision().publish()
    site["article_es"].save_revision()
    response = client.get(f"/admin/pages/{site['article_es'].pk}/edit/")
    assert "Out of date" not in response.content.decode()


# The booking page in Spanish offers the English page's schedule


def test_spanish_booking_page_offers_the_english_schedule(home, clinic_settings, spanish):
    english = DiscoveryVisitPageFactory(parent=home, hours=[(day, time(10), time(12)) for day in range(7)])
    ensure_translation(home, log=quiet, title="Inicio", slug="inicio")
    translated = ensure_translation(
        english, log=quiet, title="Reservar", slug="reservar", weekly_hours=[], closures=[]
    )
    translated = type(translated).objects.get(pk=translated.pk)  # as served: its own rows only
    now = timezone.now()
    assert translated.rules() == english.rules()
    assert translated.free_slots(now=now) == english.free_slots(now=now)
    assert translated.free_slots(now=now) != []


def test_spanish_article_relates_only_spanish_articles(client, site):
    related = soup(client.get("/es/blog/dolor-de-cadera/")).select(".resources .article-card__title a")
    assert all(a["href"].startswith("/es/") for a in related)
    english = soup(client.get("/blog/hip-pain/")).select(".resources .article-card__title a")
    assert [a["href"] for a in english] == ["/blog/knee-pain/"]
