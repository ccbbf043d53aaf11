"""`manage.py import_article` turns a text article into a BlogPage, faithfully and safely."""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from django.core.management import CommandError, call_command

from blog.models import BlogPage
from clinic.models import ClinicSettings
from tests.blog.article_text import source_text_items
from tests.factories import BlogPageFactory

GUIDE = Path(__file__).resolve().parents[2] / "blog/demo/hip-pain-in-runners.txt"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_article", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def source(tmp_path):
    def write(text: str, name: str = "article.md") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def body_items(html: bytes) -> list[str]:
    """The article body's headings, paragraphs and list items as a reader sees them, in order."""
    body = BeautifulSoup(html, "html.parser").select_one(".article__body")
    items = []
    for element in body.find_all(["h2", "h3", "p", "li"]):
        in_panel = element.find_parent(class_="cta") is not None
        if in_panel and "cta__text" not in element.get("class", []):
            continue  # the panel's own heading and its buttons
        items.append(" ".join(element.get_text().split()))
    return items


def test_import_creates_a_draft_with_a_revision_and_reports_what_it_did(source, blog, author, hip):
    path = source(
        "Speak to us Call - (954) 519-5404\n\n# Knee pain\n\n"
        "First paragraph.\n\n## Causes\n\n- Overuse\n- Weak glutes\n"
    )
    output = run(path, "--author", "Ashley Kranz", "--category", "hip")
    page = BlogPage.objects.get()
    assert not page.live
    assert page.latest_revision is not None
    assert (page.title, page.slug, page.intro, page.author) == (
        "Knee pain",
        "knee-pain",
        "First paragraph.",
        author,
    )
    assert list(page.categories.all()) == [hip]
    assert "Saved as a draft" in output
    assert "1 headings, 1 paragraphs, 1 lists (2 items), 0 calls to action" in output
    assert "Skipped 1 lines of site chrome" in output
    assert "Speak to us Call - (954) 519-5404" in output


def test_import_with_publish_makes_the_article_live(client, source, blog, author):
    run(source("Knee pain\n\nFirst paragraph.\n"), "--publish", "--slug", "knee")
    page = BlogPage.objects.get()
    assert page.live
    assert page.slug == "knee"
    assert client.get("/blog/knee/").status_code == 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("Title only\n", "No body paragraphs found"),
        ("bin\x00ary\n\ntext.\n", "NUL byte"),
    ],
)
def test_import_refuses_malformed_articles_with_the_parsers_reason(source, blog, author, text, message):
    with pytest.raises(CommandError, match=message):
        run(source(text))
    assert not BlogPage.objects.exists()


def test_import_refuses_a_missing_file(blog, author, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "nope.txt")


def test_import_refuses_a_file_that_is_not_utf8(blog, author, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9\n\nText.\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(path)


def test_import_refuses_an_unknown_author_naming_the_known_ones(source, blog, author):
    with pytest.raises(CommandError, match=r"Unknown author 'Nobody'.*Ashley Kranz"):
        run(source("Title\n\nText.\n"), "--author", "Nobody")


def test_import_refuses_an_unknown_category(source, blog, author, hip):
    with pytest.raises(CommandError, match=r"Unknown category nope.*hip"):
        run(source("Title\n\nText.\n"), "--category", "hip", "--category", "nope")
    assert not BlogPage.objects.exists()


def test_import_refuses_a_duplicate_slug(source, blog, author):
    BlogPageFactory(parent=blog, slug="title", author=author)
    with pytest.raises(CommandError, match="slug 'title' already exists"):
        run(source("Title\n\nText.\n"))
    assert BlogPage.objects.count() == 1


def test_import_refuses_an_unknown_parent(source, blog, author):
    with pytest.raises(CommandError, match="No blog index page 'news'"):
        run(source("Title\n\nText.\n"), "--parent", "news")


def test_markup_in_the_source_is_inert_on_the_page(client, source, blog, author):
    text = (
        "Safe article\n\n"
        "Before <script>alert('x')</script> after.\n\n"
        'A <a href="javascript:alert(1)">link</a> and <img src=x onerror=alert(1)>.\n\n'
        "- <b onclick=alert(1)>bold?</b>\n- [click](javascript:alert(1))\n"
    )
    run(source(text), "--publish")
    html = client.get("/blog/safe-article/").content.decode()
    body = BeautifulSoup(html, "html.parser").select_one(".article__body")
    assert body.find("script") is None
    assert body.find("img") is None
    assert body.find("b") is None
    assert not [a for a in body.find_all("a") if "javascript" in a.get("href", "")]
    assert not any(attr.startswith("on") for tag in body.find_all(True) for attr in tag.attrs)
    assert "Before <script>alert('x')</script> after." in body.get_text()  # shown as text


def test_published_guide_shows_every_source_item_once_in_order(client, demo_site):
    """Fidelity: every heading, paragraph and list item of the source is on the page, in order."""
    expected = source_text_items(GUIDE.read_text(encoding="utf-8"))
    response = client.get("/blog/hip-pain-in-runners/")
    assert response.status_code == 200
    rendered = body_items(response.content)
    assert rendered == expected
    panel = BeautifulSoup(response.content, "html.parser").select_one(
        ".article__body .cta:not(.cta--compact)"
    )
    assert (
        panel.select_one(".actions a[href='tel:+19545195404']").get_text(strip=True) == "Call (954) 519-5404"
    )


def test_guide_call_to_action_shows_the_clinics_current_phone_number(client, demo_site):
    clinic = ClinicSettings.for_site(demo_site)
    clinic.phone = "(305) 555-0134"
    clinic.save()
    panel = BeautifulSoup(client.get("/blog/hip-pain-in-runners/").content, "html.parser").select_one(
        ".article__body .cta:not(.cta--compact)"
    )
    sentence = panel.select_one(".cta__text")
    assert sentence.get_text(" ", strip=True).startswith("Call (305) 555-0134 or click here to book")
    assert sentence.find("a", href="tel:+13055550134")
    assert "954" not in panel.get_text()


def guide_html(client) -> BeautifulSoup:
    return BeautifulSoup(client.get("/blog/hip-pain-in-runners/").content, "html.parser")


def test_guide_click_here_to_book_links_to_the_booking_page(client, demo_site):
    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    link = guide_html(client).select_one(".article__body .cta__text a[href^='/book/']")
    assert link.get_text() == "click here to book a Free Discovery Visit"
    assert link["href"] == "/book/" + guide.booking_query


def test_guide_booking_link_follows_the_booking_page_when_it_moves(client, demo_site):
    booking = ClinicSettings.for_site(demo_site).appointment_page.specific
    booking.slug = "visit"
    booking.save_revision().publish()
    sentence = guide_html(client).select_one(".article__body .cta__text")
    assert sentence.select_one("a[href^='/visit/']").get_text() == "click here to book a Free Discovery Visit"


def test_guide_ends_with_one_call_to_action_panel(client, demo_site):
    page = guide_html(client)
    closing = page.select(".article > .cta, .article__body > .cta:last-child")
    assert len(closing) == 1


def test_guide_ends_with_two_buttons_not_four(client, demo_site):
    article = guide_html(client).select_one(".article")
    # The offers on the way (one in the header, one mid-way) are counted by their own tests.
    on_the_way = ("cta--compact", "early-offer")
    buttons = [a for a in article.select("a.button") if not a.find_parent(class_=on_the_way)]
    assert len(buttons) == 2


def test_guide_offers_booking_once_between_its_sections(client, demo_site):
    body = guide_html(client).select_one(".article__body")
    offers = body.select(".cta--compact")
    assert len(offers) == 1
    sections_before = len(offers[0].find_all_previous("h2"))
    sections_after = len(offers[0].find_all_next("h2"))
    assert sections_before >= 2
    assert sections_after >= 2
