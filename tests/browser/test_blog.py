"""Reading the blog in a real browser: phone layout, table of contents, booking link (within the
first screen of every article on a phone), accessibility."""

from datetime import date

import pytest
from playwright.sync_api import expect

from blog.models import BlogPage
from booking.models import DiscoveryVisitPage
from clinic.models import CareArea, Person
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import BlogPageFactory

GUIDE = "/blog/hip-pain-in-runners/"


def test_article_reads_on_a_phone_without_sideways_scrolling(phone_page, site_url):
    page = phone_page
    page.goto(site_url + GUIDE)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hip Pain in Runners: Causes, Prevention, and Recovery Tips"
    )
    expect(page.get_by_text("Medically reviewed by Ashley Kranz, PT, DPT")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_table_of_contents_takes_the_reader_to_the_section(phone_page, site_url):
    page = phone_page
    page.goto(site_url + GUIDE)
    toc = page.get_by_role("navigation", name="Table of contents")
    toc.get_by_role("link", name="When to Seek Help for Hip Pain").click()
    expect(page).to_have_url(site_url + GUIDE + "#when-to-seek-help-for-hip-pain")
    expect(page.get_by_role("heading", name="When to Seek Help for Hip Pain", level=2)).to_be_in_viewport()


def test_call_to_action_opens_booking_with_the_concern_and_article(phone_page, site_url):
    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    page = phone_page
    page.goto(site_url + GUIDE)
    page.get_by_role("complementary").get_by_role("link", name="Book a Free Discovery Visit").click()
    expect(page).to_have_url(f"{site_url}/book/?concern=hip&from={guide.pk}")
    # The booking form arrives with the article's concern chosen and the article recorded.
    expect(page.locator("select[name=concern]")).to_have_value("hip")
    expect(page.locator("input[name=source]")).to_have_value(str(guide.pk))


@pytest.mark.parametrize(
    "path", ["/blog/", GUIDE, "/blog/category/hip/", "/blog/tag/hip-pain/", "/search/?q=hip+pain"]
)
def test_axe_finds_no_violations_on_blog_pages(page, site_url, axe, path):
    page.goto(site_url + path)
    assert_no_axe_violations(axe, page)


def test_blog_pages_load_under_the_strict_csp_without_errors(page, site_url):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in ["/blog/", GUIDE, "/search/?q=knee"]:
        page.goto(site_url + path)
    assert errors == []


PHONE_SCREEN = 844  # the height of the phone_page viewport (390 x 844)


def first_booking_link(page):
    """The first link in the content to the booking page of any language (/book/, /es/reservar/)."""
    paths = sorted({booking.url for booking in DiscoveryVisitPage.objects.live()})
    return page.locator(", ".join(f"main a[href^='{path}']" for path in paths)).first


def test_booking_is_within_the_first_screen_of_every_article_on_a_phone(phone_page, site_url):
    # The demo's articles, and one whose title and byline are as long as editors write them.
    blog = BlogPage.objects.live().first().get_parent()
    long_title = BlogPageFactory(
        parent=blog,
        title="Iliotibial Band Syndrome in Marathon Runners: Causes, Warning Signs, Treatment, Return Plan",
        slug="it-band-syndrome",
        categories=list(CareArea.objects.filter(slug__in=["hip", "knee", "running-injuries"])),
        reviewed_by=Person.objects.first(),
        last_reviewed=date(2026, 11, 1),
    )
    long_title.save_revision().publish()
    page = phone_page
    for article in BlogPage.objects.live().specific():
        page.goto(site_url + article.url)
        link = first_booking_link(page)
        expect(link).to_be_in_viewport()
        box = link.bounding_box()
        assert box["y"] + box["height"] <= PHONE_SCREEN, (article.url, box)
        assert page.evaluate("window.scrollY") == 0
        print(f"{article.url}: first booking button ends {box['y'] + box['height']:.0f} px down")  # noqa: T201


def test_the_early_booking_button_opens_the_form_with_the_concern_and_article(phone_page, site_url):
    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    page = phone_page
    page.goto(site_url + GUIDE)
    first_booking_link(page).click()
    expect(page).to_have_url(f"{site_url}/book/?concern=hip&from={guide.pk}")
    expect(page.locator("select[name=concern]")).to_have_value("hip")
    expect(page.locator("input[name=source]")).to_have_value(str(guide.pk))
