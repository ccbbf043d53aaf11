"""Readers see articles, the blog index, category and tag pages; every article block renders."""

import json
import os
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import PageViewRestriction

from blog.blocks import VideoBlock
from blog.models import BlogPage
from tests.factories import BlogPageFactory, CareAreaFactory, ImageFactory, PersonFactory, StandardPageFactory


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def json_ld(page) -> dict:
    blocks = [json.loads(script.string) for script in page.find_all("script", type="application/ld+json")]
    assert len(blocks) == 1
    return {
        node["@type"] if isinstance(node["@type"], str) else "/".join(node["@type"]): node
        for node in blocks[0]["@graph"]
    }


@pytest.fixture
def article(blog, author, hip, running):
    reviewer = PersonFactory(name="Dana Cruz", credentials="PT, DPT")
    page = BlogPageFactory(
        parent=blog,
        title="Hip pain in runners",
        slug="hip-pain-in-runners",
        intro="Why runners get hip pain and what helps.",
        author=author,
        date=date(2026, 3, 14),
        reviewed_by=reviewer,
        last_reviewed=date(2026, 4, 1),
        categories=[running, hip],
        tags=["strength"],
        booking_concern=hip,
    )
    page.save_revision().publish()
    return BlogPage.objects.get(pk=page.pk)


# The article page


def test_article_shows_title_author_dates_reading_time_and_review(client, article):
    page = soup(client.get("/blog/hip-pain-in-runners/"))
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == ["Hip pain in runners"]
    meta = page.select_one(".article__meta").get_text(" ", strip=True)
    assert "Ashley Kranz, PT, DPT" in meta
    assert "1 min read" in meta
    published = page.select_one(".article__meta time")
    assert published["datetime"] == "2026-03-14"
    assert published.get_text() == "March 14, 2026"
    review = page.select_one(".article__review")
    assert review.get_text(" ", strip=True) == "Medically reviewed by Dana Cruz, PT, DPT on April 1, 2026"
    assert review.time["datetime"] == "2026-04-01"


def test_article_breadcrumb_marks_the_current_page(client, article):
    crumbs = soup(client.get(article.url)).find("nav", attrs={"aria-label": "Breadcrumb"})
    items = crumbs.ol.find_all("li")
    assert [li.get_text(strip=True) for li in items] == ["Home", "Blog", "Hip pain in runners"]
    assert items[-1].a["aria-current"] == "page"
    assert items[1].a["href"] == "/blog/"


def test_guide_table_of_contents_nests_numbered_tips_under_their_section(client, demo_site):
    toc = soup(client.get("/blog/hip-pain-in-runners/")).find(
        "nav", attrs={"aria-label": "Table of contents"}
    )
    prevention = toc.find("a", string="Preventing Hip Pain in Runners").find_parent("li")
    assert [a.get_text() for a in prevention.ul.find_all("a")][:2] == [
        "1. Strengthen Your Hips and Core",
        "2. Stretch and Mobilize Regularly",
    ]


def test_article_table_of_contents_links_to_each_heading(client, article):
    page = soup(client.get(article.url))
    toc = page.find("nav", attrs={"aria-label": "Table of contents"})
    links = toc.find_all("a")
    assert [a.get_text() for a in links] == ["What is going on", "What helps"]
    for link in links:
        target = page.find(id=link["href"].removeprefix("#"))
        assert target.name == "h2"
        assert target.get_text() == link.get_text()


def test_article_call_to_action_prefills_booking_with_concern_and_source(client, article, clinic_settings):
    booking = StandardPageFactory(parent=clinic_settings.site.root_page, title="Book", slug="book")
    clinic_settings.appointment_page = booking
    clinic_settings.save()
    page = soup(client.get(article.url))
    panel = page.select_one(".booking-panel")
    assert panel.select_one(".button--primary")["href"] == f"/book/?concern=hip&from={article.pk}"
    assert panel.find("a", href="tel:+19545195404").get_text(strip=True) == "Call (954) 519-5404"


def test_article_offers_booking_in_its_header_before_the_table_of_contents(client, article, clinic_settings):
    booking = StandardPageFactory(parent=clinic_settings.site.root_page, title="Book", slug="book")
    clinic_settings.appointment_page = booking
    clinic_settings.save()
    page = soup(client.get(article.url))
    offer = page.select_one("header .early-offer")
    assert offer.select_one(".button--primary")["href"] == f"/book/?concern=hip&from={article.pk}"
    assert offer.find("a", href="tel:+19545195404")
    first_book_link = page.find("main").find("a", href=lambda href: href and href.startswith("/book/"))
    assert first_book_link.find_parent(class_="early-offer") is offer
    assert offer.find_next(class_="toc") is not None  # the offer comes before the contents


def test_article_without_an_appointment_page_offers_no_early_booking(client, article):
    assert soup(client.get(article.url)).select_one(".early-offer") is None


def test_booking_concern_defaults_to_first_category_by_care_area_order(blog, author, hip, running):
    page = BlogPageFactory(parent=blog, author=author, categories=[hip, running])
    assert page.main_category == running
    assert page.booking_query == f"?concern=running-injuries&from={page.pk}"
    page.booking_concern = hip
    assert page.booking_query == f"?concern=hip&from={page.pk}"


def test_booking_query_is_url_encoded(blog, author):
    odd = CareAreaFactory(name="Foot & Ankle", slug="foot-ankle")
    page = BlogPageFactory(parent=blog, author=author, categories=[odd])
    odd.slug = "foot&ankle=1"  # a slug field would refuse it; the encoding must not rely on that
    page.booking_concern = odd
    assert page.booking_query == f"?concern=foot%26ankle%3D1&from={page.pk}"


def test_article_without_booking_page_still_offers_the_phone(client, article):
    panel = soup(client.get(article.url)).select_one(".booking-panel")
    assert panel.select_one(".button--primary") is None
    assert panel.find("a", href="tel:+19545195404")


def test_article_shows_author_bio_with_photo_and_reviews_link(client, article, author):
    author.photo = ImageFactory()
    author.save()
    page = soup(client.get(article.url))
    bio = page.find("section", attrs={"aria-labelledby": "about-the-author"})
    assert "Helps runners get back on the road." in bio.get_text()
    photo = bio.find("img")
    assert photo["width"] == "96"
    assert photo["height"] == "96"
    assert photo["alt"] == ""
    assert page.find("a", href="https://reviews.example.com/test-clinic")


def test_related_articles_prefer_shared_categories_and_tags_then_newest(client, blog, article, hip, running):
    knee = CareAreaFactory(name="Knee", slug="knee")
    today = date.today()
    shares_both = BlogPageFactory(
        parent=blog, title="Shares both", date=today - timedelta(days=9), categories=[hip, running]
    )
    shares_tag = BlogPageFactory(
        parent=blog, title="Shares tag", date=today - timedelta(days=5), tags=["strength"]
    )
    BlogPageFactory(parent=blog, title="Newest unrelated", date=today, categories=[knee])
    BlogPageFactory(parent=blog, title="Older unrelated", date=today - timedelta(days=30), categories=[knee])
    BlogPageFactory(parent=blog, title="Draft related", categories=[hip, running], live=False)
    page = soup(client.get(article.url))
    titles = [a.get_text() for a in page.select(".resources .article-card__title a")]
    assert titles == [shares_both.title, shares_tag.title, "Newest unrelated"]


def test_article_with_a_hero_image_uses_responsive_modern_formats_and_alt_text(client, blog, author):
    page = BlogPageFactory(
        parent=blog, author=author, hero_image=ImageFactory(), hero_alt="A runner stretching"
    )
    html = soup(client.get(page.url))
    hero = html.select_one(".article__hero")
    assert hero.find("source", type="image/avif")
    assert hero.find("source", type="image/webp")
    img = hero.find("img")
    assert img["alt"] == "A runner stretching"
    assert img["width"]
    assert img["height"]
    assert "srcset" in img.attrs


def test_hero_image_needs_alt_text_unless_decorative(blog, author):
    page = BlogPage(title="x", slug="x", intro="x", author=author, hero_image=ImageFactory(), body=[])
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "hero_alt" in error.value.message_dict
    page.hero_is_decorative = True
    page.clean()
    page.hero_is_decorative, page.hero_alt = False, "A runner"
    page.clean()


def test_reading_time_is_stored_on_save(blog, author):
    words = " ".join(["stride"] * 500)
    page = BlogPageFactory(parent=blog, author=author, body=[("paragraph", f"<p>{words}</p>")])
    assert BlogPage.objects.get(pk=page.pk).reading_minutes == 3


ALL_BLOCKS = [
    ("heading", {"text": "Section", "level": "h2"}),
    ("heading", {"text": "Sub-section", "level": "h3"}),
    ("paragraph", "<p>Some <b>bold</b> text.</p><ul><li>One item</li></ul>"),
    ("quote", {"quote": "Ran pain-free.", "attribution": "A patient"}),
    ("callout", {"kind": "warning", "title": "", "body": "<p>Pain that lasts a week.</p>"}),
    ("call_to_action", {"heading": "Book now", "text": "Talk to us.", "button_label": "Book"}),
    (
        "faq",
        {
            "heading": "Frequently asked questions",
            "items": [
                {"question": "Should I run through hip pain?", "answer": "<p>No, ease off first.</p>"},
                {"question": "How long does recovery take?", "answer": "<p>Often <i>six weeks</i>.</p>"},
            ],
        },
    ),
    (
        "video",
        {
            "video": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Clamshell exercise",
            "caption": "",
        },
    ),
]


@pytest.fixture
def every_block_article(blog, author):
    image = ImageFactory()
    image.contextual_alt_text, image.decorative = "A hip bridge", False  # ImageBlock's native value
    blocks = [
        *ALL_BLOCKS,
        (
            "image",
            {"image": image, "caption": "Hip bridge"},
        ),
    ]
    return BlogPageFactory(parent=blog, author=author, slug="every-block", body=blocks)


def test_every_article_block_renders(client, every_block_article):
    page = soup(client.get(every_block_article.url))
    body = page.select_one(".article__body")
    assert body.find("h2", id="section")
    assert body.find("h3", id="sub-section")
    assert body.find("b").get_text() == "bold"
    assert body.find("li").get_text() == "One item"
    assert body.select_one(".quote blockquote").get_text(strip=True) == "Ran pain-free."
    assert "When to seek help" in body.select_one(".callout--warning").get_text()
    assert body.select_one(".cta").find("a", href="tel:+19545195404")
    faq = body.select_one(".faq")
    assert [h3.get_text() for h3 in faq.find_all("h3")] == [
        "Should I run through hip pain?",
        "How long does recovery take?",
    ]
    iframe = body.select_one(".video iframe")
    assert iframe["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert iframe["title"] == "Clamshell exercise"
    figure = body.select_one(".figure")
    assert figure.find("img")["alt"] == "A hip bridge"
    assert figure.figcaption.get_text() == "Hip bridge"


def test_faq_block_becomes_faq_page_structured_data(client, every_block_article):
    graph = json_ld(soup(client.get(every_block_article.url)))
    questions = graph["FAQPage"]["mainEntity"]
    assert [q["name"] for q in questions] == [
        "Should I run through hip pain?",
        "How long does recovery take?",
    ]
    assert questions[1]["acceptedAnswer"] == {"@type": "Answer", "text": "Often six weeks."}


def test_video_block_refuses_links_that_are_not_youtube_or_vimeo(db):
    block = VideoBlock()
    value = block.to_python({"video": "https://example.com/clip", "title": "Clip", "caption": ""})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "YouTube or Vimeo" in str(error.value.block_errors["video"])


def test_repeated_faq_sections_and_headings_get_distinct_ids(client, blog, author):
    faq = {"heading": "Questions", "items": [{"question": "Why?", "answer": "<p>Because.</p>"}]}
    body = [("heading", {"text": "Questions", "level": "h2"}), ("faq", faq), ("faq", faq)]
    page = soup(client.get(BlogPageFactory(parent=blog, author=author, slug="faqs", body=body).url))
    ids = [tag["id"] for tag in page.select(".article__body [id]")]
    assert ids == ["questions", "questions-2", "questions-3"]
    sections = page.select(".faq")
    assert [s["aria-labelledby"] for s in sections] == ["questions-2", "questions-3"]


# SEO, sharing and structured data


def test_article_meta_description_falls_back_to_intro_and_uses_promote_fields(client, article):
    page = soup(client.get(article.url))
    assert page.find("meta", attrs={"name": "description"})["content"] == article.intro
    assert page.find("link", rel="canonical")["href"] == "http://testserver/blog/hip-pain-in-runners/"
    assert page.find("meta", property="og:type")["content"] == "article"
    assert page.find("meta", property="article:published_time")["content"] == "2026-03-14"
    article.seo_title, article.search_description = "Hip pain: a runner's guide", "A guide by a PT."
    article.save_revision().publish()
    page = soup(client.get(article.url))
    assert page.title.get_text().startswith("Hip pain: a runner's guide |")
    assert page.find("meta", attrs={"name": "description"})["content"] == "A guide by a PT."


def test_article_share_image_is_an_absolute_1200x630_rendition(client, article):
    article.hero_image, article.hero_alt = ImageFactory(file__width=1600, file__height=1000), "A runner"
    article.save_revision().publish()
    page = soup(client.get(article.url))
    og_image = page.find("meta", property="og:image")["content"]
    assert og_image.startswith("http://testserver/")
    assert og_image.endswith(".jpg")
    assert page.find("meta", property="og:image:width")["content"] == "1200"
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    assert json_ld(page)["BlogPosting"]["image"] == og_image


def test_article_whose_image_file_is_missing_is_still_served_without_a_share_image(client, article, blog):
    """A restore without its media, or one lost file, must not take the article (or the lists that
    show its image) down: Wagtail's image tags show a placeholder, the share image is left out."""
    image = ImageFactory()
    article.hero_image, article.hero_alt = image, "A runner"
    article.save_revision().publish()
    image.file.storage.delete(image.file.name)
    response = client.get(article.url)
    assert response.status_code == 200
    page = soup(response)
    assert page.find("meta", property="og:image") is None
    assert "image" not in json_ld(page)["BlogPosting"]
    assert client.get(blog.url).status_code == 200


def test_article_structured_data_describes_posting_review_and_breadcrumbs(client, article):
    graph = json_ld(soup(client.get(article.url)))
    posting = graph["BlogPosting"]
    assert posting["headline"] == "Hip pain in runners"
    assert posting["author"]["name"] == "Ashley Kranz"
    assert posting["author"]["@type"] == "Person"
    assert posting["datePublished"] == "2026-03-14"
    clinic = graph["MedicalClinic/Physiotherapy"]
    assert posting["publisher"]["@id"] == clinic["@id"]
    # The same full description as on the home page, not a stub.
    assert clinic["name"] == "Test Clinic"
    assert clinic["telephone"] == "(954) 519-5404"
    assert clinic["address"]["addressLocality"] == "Davie"
    webpage = graph["MedicalWebPage"]
    assert webpage["reviewedBy"]["name"] == "Dana Cruz"
    assert webpage["lastReviewed"] == "2026-04-01"
    crumbs = graph["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Blog", "Hip pain in runners"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert "FAQPage" not in graph


def test_unreviewed_article_is_a_plain_web_page_in_structured_data(client, blog, author):
    page = BlogPageFactory(parent=blog, author=author)
    graph = json_ld(soup(client.get(page.url)))
    assert "WebPage" in graph
    assert "MedicalWebPage" not in graph


def test_renaming_an_article_slug_redirects_the_old_url(client, article, django_capture_on_commit_callbacks):
    article.slug = "hip-pain-guide"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    response = client.get("/blog/hip-pain-in-runners/")
    assert response.status_code == 301
    assert response["Location"].endswith("/blog/hip-pain-guide/")
    assert client.get("/blog/hip-pain-guide/").status_code == 200


# The blog index, categories and tags


def make_articles(blog, author, count, **kwargs):
    start = date(2026, 1, 1)
    return [
        BlogPageFactory(
            parent=blog, author=author, title=f"Article {n:02d}", date=start + timedelta(days=n), **kwargs
        )
        for n in range(count)
    ]


def titles(page):
    return [a.get_text() for a in page.select(".article-list .article-card__title a")]


def test_index_lists_newest_first_ten_per_page_with_accessible_pagination(client, blog, author):
    make_articles(blog, author, 23)
    first = soup(client.get("/blog/"))
    assert titles(first) == [f"Article {n:02d}" for n in range(22, 12, -1)]
    nav = first.find("nav", attrs={"aria-label": "Pagination"})
    assert nav.find("a", attrs={"aria-current": "page"}).get_text().strip() == "Page 1"
    assert nav.find("a", rel="next")["href"] == "?page=2"
    assert not nav.find("a", rel="prev")
    last = soup(client.get("/blog/?page=3"))
    assert titles(last) == ["Article 02", "Article 01", "Article 00"]
    assert last.find("a", rel="prev")["href"] == "?page=2"
    assert not last.find("a", rel="next")


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("?page=abc", "Article 11"),
        ("?page=0", "Article 11"),
        ("?page=999", "Article 01"),
        ("?page=-1", "Article 11"),
        ("?page=%00", "Article 11"),
    ],
)
def test_index_turns_a_bad_page_number_into_the_first_or_last_page(
    client, blog, author, query, expected_first
):
    make_articles(blog, author, 12)
    assert titles(soup(client.get("/blog/" + query)))[0] == expected_first


def test_index_shows_excerpt_reading_time_and_lazy_thumbnails_below_the_fold(client, blog, author):
    image = ImageFactory()
    make_articles(blog, author, 3, hero_image=image, hero_alt="Runner")
    page = soup(client.get("/blog/"))
    cards = page.select(".article-card")
    assert "What to know about article 02." in cards[0].get_text()
    assert "1 min read" in cards[0].get_text()
    images = [card.find("img") for card in cards]
    assert all(img["width"] for img in images)
    assert all(img["height"] for img in images)
    assert [img.get("loading") for img in images] == [None, None, "lazy"]
    assert cards[0].find("source", type="image/avif")


def test_index_hides_drafts_and_private_articles(client, blog, author):
    BlogPageFactory(parent=blog, author=author, title="Draft", live=False)
    BlogPageFactory(parent=blog, author=author, title="Published")
    private = BlogPageFactory(parent=blog, author=author, title="Private")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    assert titles(soup(client.get("/blog/"))) == ["Published"]


def test_category_page_lists_only_that_care_areas_articles(client, blog, author, hip, running):
    BlogPageFactory(parent=blog, author=author, title="Hip article", categories=[hip])
    BlogPageFactory(parent=blog, author=author, title="Running article", categories=[running])
    page = soup(client.get("/blog/category/hip/"))
    assert titles(page) == ["Hip article"]
    assert page.h1.get_text() == "Articles about Hip"
    assert page.select_one(".category-nav a[aria-current='page']").get_text() == "Hip"


def test_tag_page_lists_only_tagged_articles(client, blog, author):
    BlogPageFactory(parent=blog, author=author, title="Tagged", tags=["marathon"])
    BlogPageFactory(parent=blog, author=author, title="Untagged")
    page = soup(client.get("/blog/tag/marathon/"))
    assert titles(page) == ["Tagged"]
    assert page.h1.get_text() == "Articles tagged “marathon”"


@pytest.mark.parametrize("url", ["/blog/category/no-such-area/", "/blog/tag/no-such-tag/", "/blog/category/"])
def test_unknown_category_or_tag_is_404(client, blog, url):
    assert client.get(url).status_code == 404


# Query counts stay flat however many articles, categories and tags there are


def build_blog(blog, count):
    image = ImageFactory()
    areas = [CareAreaFactory() for _ in range(3)]
    articles = []
    for n in range(count):
        articles.append(
            BlogPageFactory(
                parent=blog,
                author=PersonFactory(photo=image),
                reviewed_by=PersonFactory(),
                last_reviewed=date(2026, 1, 1),
                hero_image=image,
                hero_alt="Runner",
                date=date(2026, 1, 1) + timedelta(days=n),
                categories=areas[: 1 + n % 3],
                tags=[f"tag-{n}", "common"],
            )
        )
    return articles


def count_queries(client, url):
    client.get(url)  # renditions are created on first view
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    if os.environ.get("SHOW_QUERIES"):
        print(url, *[q["sql"][:300] for q in queries], sep="\n")  # noqa: T201
    return len(queries)


def test_article_page_query_count_does_not_grow_with_articles(client, blog):
    # Four, not one: a lone article has no related articles, so their thumbnails' prefetch
    # queries do not run at all (two fewer queries).
    few = build_blog(blog, 4)
    small = count_queries(client, few[0].url)
    many = build_blog(blog, 56)
    large = count_queries(client, few[0].url)
    assert small == large, (small, large)
    assert count_queries(client, many[-1].url) == large


@pytest.mark.parametrize("path", ["", "category/{}/", "tag/common/"])
def test_index_query_count_does_not_grow_with_articles(client, blog, path):
    build_blog(blog, 1)
    first_area = CareAreaFactory._meta.model.objects.order_by("pk").first()
    url = "/blog/" + path.format(first_area.slug)
    small = count_queries(client, url)
    build_blog(blog, 59)
    large = count_queries(client, url)
    assert small == large, (small, large)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/blog/", "http://testserver/blog/"),
        ("/blog/?page=2", "http://testserver/blog/?page=2"),
        ("/blog/?page=abc&utm_source=x", "http://testserver/blog/"),
        ("/blog/category/hip/", "http://testserver/blog/category/hip/"),
        ("/blog/tag/marathon/", "http://testserver/blog/tag/marathon/"),
    ],
)
def test_each_listing_page_is_its_own_canonical_url(client, blog, author, hip, url, canonical):
    make_articles(blog, author, 12, categories=[hip], tags=["marathon"])
    page = soup(client.get(url))
    assert page.find("link", rel="canonical")["href"] == canonical
    assert page.find("meta", property="og:url")["content"] == canonical


def test_article_without_author_categories_or_image_still_renders(client, blog, author):
    page = BlogPageFactory(parent=blog, author=author, slug="bare")
    author.delete()
    html = soup(client.get("/blog/bare/"))
    assert html.h1.get_text() == page.title
    assert html.find(id="about-the-author") is None
    assert BlogPage.objects.get(pk=page.pk).booking_query == f"?from={page.pk}"


def test_repeated_heading_text_gets_distinct_ids_matching_the_table_of_contents(client, blog, author):
    body = [
        ("heading", {"text": "Tips", "level": "h2"}),
        ("paragraph", "<p>One.</p>"),
        ("heading", {"text": "Tips", "level": "h2"}),
        ("paragraph", "<p>Two.</p>"),
    ]
    page = soup(client.get(BlogPageFactory(parent=blog, author=author, body=body).url))
    ids = [h2["id"] for h2 in page.select(".article__body h2")]
    assert ids == ["tips", "tips-2"]
    toc = page.find("nav", attrs={"aria-label": "Table of contents"})
    assert [a["href"] for a in toc.find_all("a")] == ["#tips", "#tips-2"]
