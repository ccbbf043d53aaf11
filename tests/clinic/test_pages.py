import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from clinic.richtext import clean_rich_text
from clinic.views import PageSitemap
from tests.admin_forms import form_data
from tests.factories import ImageFactory, PersonFactory, StandardPageFactory, TestimonialFactory


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_home_page_shows_the_clinic_and_how_to_book(client, home, clinic_settings):
    PersonFactory(name="Ashley Kranz", credentials="PT, DPT")
    TestimonialFactory(quote="Ran my marathon pain-free.", name="Maria G.")
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Run without pain"
    assert len(page.find_all("h1")) == 1
    hero_cta = page.select_one(".hero .button--primary")
    assert hero_cta.get_text(strip=True) == "Book a Free Discovery Visit"
    assert page.select_one(".call-banner a")["href"] == "tel:+19545195404"
    assert "Speak to the running injury expert" in page.select_one(".call-banner").get_text()
    text = page.get_text(" ", strip=True)
    assert "Mon–Fri" in text
    assert "8:00 AM" in text
    assert "6:00 PM" in text
    assert "1 Main Street" in text
    assert "Davie, FL 33314" in text
    assert "Running injuries" in text  # services
    assert "Ashley Kranz, PT, DPT" in text  # team
    assert "Ran my marathon pain-free." in text  # testimonials
    assert page.find("a", href="https://reviews.example.com/test-clinic")
    assert page.select_one("footer address a[href^='tel:']")


def test_home_cta_goes_to_the_booking_page_once_staff_choose_one(client, home, clinic_settings):
    booking = StandardPageFactory(parent=home, title="Book", slug="book")
    clinic_settings.appointment_page = booking
    clinic_settings.save()
    page = soup(client.get("/"))
    assert page.select_one(".hero .button--primary")["href"] == "/book/"


def test_changed_clinic_settings_show_on_the_next_page_view(client, home, clinic_settings):
    client.get("/")  # the settings are now in the shared cache
    clinic_settings.phone = "(954) 555-0199"
    clinic_settings.save()
    assert soup(client.get("/")).select_one(".call-banner a").get_text() == "(954) 555-0199"


def test_unpublishing_the_appointment_page_turns_book_buttons_into_calls(client, home, clinic_settings):
    booking = StandardPageFactory(parent=home, title="Book", slug="book")
    clinic_settings.appointment_page = booking
    clinic_settings.save()
    client.get("/")
    booking.unpublish()
    assert soup(client.get("/")).select_one(".hero .button--primary")["href"] == "tel:+19545195404"


def test_renaming_the_privacy_page_renames_the_footer_link(client, home, clinic_settings):
    privacy = StandardPageFactory(parent=home, title="Privacy", slug="privacy")
    clinic_settings.privacy_page = privacy
    clinic_settings.save()
    client.get("/")
    privacy.title = "Privacy notice"
    privacy.save_revision().publish()
    assert soup(client.get("/")).select_one(".site-footer__legal a").get_text() == "Privacy notice"


def test_home_page_has_landmarks_and_a_skip_link(client, home):
    page = soup(client.get("/"))
    skip = page.find("a", class_="skip-link")
    assert skip["href"] == "#main"
    assert page.find("main", id="main")
    assert page.find("header")
    assert page.find("footer")
    assert page.find("nav", attrs={"aria-label": "Main"})


def test_home_page_describes_the_clinic_as_structured_data(client, home):
    page = soup(client.get("/"))
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == ["MedicalClinic", "Physiotherapy"]
    assert data["@id"] == "http://testserver/#clinic"
    assert data["name"] == "Test Clinic"
    assert data["telephone"] == "(954) 519-5404"
    assert data["address"]["addressLocality"] == "Davie"
    assert data["openingHoursSpecification"][0]["dayOfWeek"][0] == "Monday"
    assert data["openingHoursSpecification"][0]["opens"] == "08:00"


def test_clinic_name_with_markup_is_escaped_everywhere(client, home, clinic_settings):
    clinic_settings.name = '<script>alert("x")</script></script>'
    clinic_settings.save()
    response = client.get("/")
    assert b'<script>alert("x")' not in response.content
    data = json.loads(soup(response).find("script", type="application/ld+json").string)
    assert data["name"] == clinic_settings.name


def test_menu_lists_live_pages_marked_for_menus_then_search(client, home):
    StandardPageFactory(parent=home, title="About us", slug="about", show_in_menus=True)
    StandardPageFactory(parent=home, title="Hidden", slug="hidden", show_in_menus=False)
    draft = StandardPageFactory(parent=home, title="Draft", slug="draft", show_in_menus=True)
    draft.unpublish()
    nav = soup(client.get("/")).find("nav", attrs={"aria-label": "Main"})
    assert [a.get_text(strip=True) for a in nav.find_all("a")] == ["Home", "About us", "Search"]


def test_menu_ends_with_book_linking_to_the_appointment_page_of_the_clinic_settings(
    client, home, clinic_settings
):
    StandardPageFactory(parent=home, title="About us", slug="about", show_in_menus=True)
    clinic_settings.appointment_page = StandardPageFactory(
        parent=home, title="Free visit", slug="free-visit", show_in_menus=True
    )
    clinic_settings.save()
    nav = soup(client.get("/")).find("nav", attrs={"aria-label": "Main"})
    assert [a.get_text(strip=True) for a in nav.find_all("a")] == ["Home", "About us", "Search", "Book"]
    assert nav.find("a", string="Book")["href"] == "/free-visit/"


def test_the_book_entry_follows_the_page_when_staff_move_it(client, home, clinic_settings):
    section = StandardPageFactory(parent=home, title="Patients", slug="patients")
    booking = StandardPageFactory(parent=home, title="Free visit", slug="free-visit")
    clinic_settings.appointment_page = booking
    clinic_settings.save()
    booking.move(section, pos="last-child")
    nav = soup(client.get("/")).find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Book")["href"] == "/patients/free-visit/"


def test_the_book_entry_is_current_on_the_booking_page(client, home, clinic_settings):
    clinic_settings.appointment_page = StandardPageFactory(parent=home, title="Free visit", slug="free-visit")
    clinic_settings.save()
    nav = soup(client.get("/free-visit/")).find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Book")["aria-current"] == "page"


def test_home_page_query_count_does_not_grow_with_team_and_testimonials(client, home):
    def count():
        client.get("/")  # the first view of a new photo creates its renditions (writes)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    PersonFactory(photo=ImageFactory())
    TestimonialFactory()
    few = count()
    for _ in range(8):
        PersonFactory(photo=ImageFactory())
        TestimonialFactory()
    assert count() == few


def _all_blocks_body():
    return [
        ("heading", {"text": "Why it hurts", "level": "h2"}),
        ("heading", {"text": "Weak glutes", "level": "h3"}),
        ("paragraph", "<p>Text with <b>bold</b> and a <a href='https://example.com'>link</a>.</p>"),
        ("quote", {"quote": "Pain-free at last.", "attribution": "A runner"}),
        ("callout", {"kind": "warning", "title": "", "body": "<p>See us if it lasts a week.</p>"}),
        ("callout", {"kind": "tip", "title": "Pro tip", "body": "<p>Warm up.</p>"}),
        ("call_to_action", {"heading": "Ready?", "text": "Come and see us.", "button_label": "Book now"}),
    ]


def test_standard_page_renders_every_body_block(client, home):
    image = ImageFactory()
    image_block = {"image": image, "caption": "Stretch"}
    image.contextual_alt_text, image.decorative = "A runner stretching", False
    body = _all_blocks_body() + [("image", image_block)]
    StandardPageFactory(parent=home, title="About", slug="about", intro="Who we are.", body=body)
    response = client.get("/about/")
    assert response.status_code == 200
    page = soup(response)
    assert page.find("h2", id="why-it-hurts").get_text() == "Why it hurts"
    assert page.find("h3", id="weak-glutes")
    assert page.select_one(".prose b").get_text() == "bold"
    assert page.select_one(".quote figcaption").get_text() == "A runner"
    callouts = page.select(".callout")
    assert callouts[0].select_one(".callout__title").get_text(strip=True) == "When to seek help"
    assert "callout--warning" in callouts[0]["class"]
    assert callouts[1].select_one(".callout__title").get_text(strip=True) == "Pro tip"
    assert page.select_one(".cta a[href='tel:+19545195404']")
    img = page.select_one(".figure img")
    assert img["alt"] == "A runner stretching"
    assert img.get("width")
    assert img.get("height")
    assert page.select_one(".figure source[type='image/webp']")
    assert page.select_one(".figure figcaption").get_text() == "Stretch"
    assert page.find("meta", attrs={"name": "description"})["content"] == "Who we are."


def test_page_under_another_page_shows_its_own_content(client, home):
    services = StandardPageFactory(parent=home, slug="services", title="Services", intro="What we treat.")
    StandardPageFactory(parent=services, slug="dry-needling", title="Dry needling", intro="How it works.")
    page = soup(client.get("/services/dry-needling/"))
    assert page.h1.get_text(strip=True) == "Dry needling"
    assert "How it works." in page.get_text()
    assert "What we treat." not in page.get_text()


def test_standard_page_title_uses_seo_title_and_clinic_name(client, home):
    StandardPageFactory(parent=home, title="About", slug="about", seo_title="About our clinic")
    assert soup(client.get("/about/")).title.get_text() == "About our clinic | Test Clinic"


def test_standard_page_rich_text_is_sanitised_by_the_editor_path(client, home):
    # Rich text stored raw (as a fixture could) is shown as stored; the guard is cleaning on write.

    dirty = '<p>Hi<script>alert(1)</script><a href="javascript:alert(2)">x</a></p>'
    StandardPageFactory(parent=home, slug="clean", body=[("paragraph", clean_rich_text(dirty))])
    html = client.get("/clean/").content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html


def test_unknown_url_gets_the_styled_404_page(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = soup(response)
    assert page.h1.get_text() == "We couldn't find that page"
    assert page.find("a", href="tel:+19545195404")


def test_500_page_renders_without_request_or_database():
    html = render_to_string("500.html")
    assert "Sorry, something went wrong" in html
    assert "{{" not in html


def test_public_pages_send_a_strict_content_security_policy(client, home):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_public_templates_have_no_inline_script_or_style(client, home):
    StandardPageFactory(parent=home, slug="about", body=_all_blocks_body())
    for url in ["/", "/about/", "/missing/"]:
        page = soup(client.get(url))
        for script in page.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", url
        assert not page.find(style=True), url
        assert not page.find("style"), url


def test_admin_has_its_own_content_security_policy(admin_client, home):
    csp = admin_client.get("/admin/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp


def test_public_pages_may_not_be_framed(client, home):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_admin_pages_may_not_be_framed(admin_client, home):
    assert admin_client.get("/admin/").headers["X-Frame-Options"] == "DENY"


def test_editor_preview_may_be_framed_by_the_admin_only(admin_client, home):
    page = StandardPageFactory(parent=home, slug="about")
    url = f"/admin/pages/{page.pk}/edit/preview/"
    data = form_data(
        admin_client,
        f"/admin/pages/{page.pk}/edit/",
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "Previewed", "level": "h2"})]},
    )
    assert admin_client.post(url, data).json()["is_valid"]
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_admin(client, home):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_sitemap_lists_live_pages_with_their_last_change(client, home):
    StandardPageFactory(parent=home, slug="about").save_revision().publish()
    body = client.get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://testserver/about/</loc>" in body
    assert "<lastmod>" in body


def test_sitemap_is_an_index_of_pages_that_together_list_every_live_page(client, home, monkeypatch):
    monkeypatch.setattr(PageSitemap, "limit", 2)
    for n in range(4):
        StandardPageFactory(parent=home, slug=f"page-{n}")
    index = client.get("/sitemap.xml").content.decode()
    pages = re.findall(r"<loc>http://testserver(/sitemap-pages\.xml[^<]*)</loc>", index)
    assert pages == ["/sitemap-pages.xml", "/sitemap-pages.xml?p=2", "/sitemap-pages.xml?p=3"]
    listed = [re.findall(r"<url><loc>([^<]*)</loc>", client.get(page).content.decode()) for page in pages]
    assert [len(urls) for urls in listed] == [2, 2, 1]
    assert sorted(sum(listed, [])) == sorted(
        ["http://testserver/"] + [f"http://testserver/page-{n}/" for n in range(4)]
    )


def test_sitemap_page_past_the_last_is_not_found(client, home):
    assert client.get("/sitemap-pages.xml?p=2").status_code == 404


@pytest.mark.parametrize("url", ["/", "/about/"])
def test_pages_set_a_canonical_link(client, home, url):
    StandardPageFactory(parent=home, slug="about")
    canonical = soup(client.get(url)).find("link", rel="canonical")["href"]
    assert canonical == f"http://testserver{url}"  # CLINIC_PUBLIC_URL in the test settings


def test_call_to_action_text_fills_in_the_clinics_phone_and_escapes_the_rest(client, home):
    body = [
        ("call_to_action", {"heading": "Ready?", "text": "<b>Call</b> {phone} today", "button_label": "Book"})
    ]
    StandardPageFactory(parent=home, slug="cta", body=body)
    sentence = soup(client.get("/cta/")).select_one(".cta__text")
    assert sentence.get_text() == "<b>Call</b> (954) 519-5404 today"
    assert sentence.find("a")["href"] == "tel:+19545195404"
    assert sentence.find("b") is None


def test_favicon_ico_leads_crawlers_to_the_icon(client, home):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/icons/favicon.ico"


def test_the_icon_is_a_real_windows_icon_file():
    path = finders.find("icons/favicon.ico")
    assert Path(path).read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_every_page_links_its_icon(client, home):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/icons/favicon.svg" type="image/svg+xml">' in html
