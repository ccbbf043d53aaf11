"""The patient-information checks in the article editor: each on pages that pass and fail it,
the pure checks on rendered HTML, and the editor's endpoint on fixture articles."""

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.admin.models import FormState

from blog.checks import (
    check_heading_order,
    check_image_alt,
    check_link_text,
    check_meta_description,
    check_one_h1,
    check_reading_level,
    check_seo_title,
    read_rendered_page,
)
from blog.readability import reading_level
from blog.services import BLOG_EDITORS, blog_editors_group_ensure
from tests.admin_forms import form_data
from tests.factories import BlogPageFactory, ImageFactory

PAGE = """<html><head><title>Shin splints | Clinic</title>
<meta name="description" content="What shin splints are."></head>
<body><header><h2>Menu</h2><a href="/">here</a></header><main>
<nav><a href="/blog/">Blog</a></nav>
<article><h1>Shin splints</h1><h2>Why</h2><h4>Skipped</h4>
<img src="/media/IMG_2034.jpg" alt="IMG_2034.jpg"><img src="/media/a.jpg" alt="">
<img src="/media/b.jpg"><img src="/media/c.jpg" alt="Image of a runner stretching a calf">
<img src="/media/d.jpg" alt="A runner stretches her calf against a wall">
<a href="/book/">click here to book</a> <a href="/faq/">Read more</a>
<a href="https://example.com">https://example.com</a> <a href="/about/">About our therapists</a>
<a href="/x/" aria-label="Our opening hours"></a></article>
<aside><img src="/media/related.jpg"><a href="/more/">More</a></aside></main></body></html>"""


def test_the_rendered_page_is_read_from_main_and_its_article():
    page = read_rendered_page(PAGE)
    assert page.title == "Shin splints | Clinic"
    assert page.description == "What shin splints are."
    assert page.headings == [(1, "Shin splints"), (2, "Why"), (4, "Skipped")]
    assert len(page.images) == 5  # the article's, not the aside's
    assert ("Our opening hours", "/x/") in page.links
    assert ("More", "/more/") not in page.links


def test_seo_title_missing_fails_and_a_good_one_passes():
    assert not check_seo_title("", "Shin splints | Clinic").passed
    assert check_seo_title("Shin splints in runners", "Shin splints in runners | Ageless Agility").passed


@pytest.mark.parametrize("length", [10, 75])
def test_seo_title_too_short_or_long_fails(length):
    title = "x" * length
    check = check_seo_title(title, title)
    assert not check.passed
    assert str(length) in check.message


def test_meta_description_missing_fails_within_length_passes_too_long_fails():
    assert not check_meta_description("", "from the intro").passed
    good = "What causes shin splints in runners, how to ease the pain at home and when to see a therapist."
    assert check_meta_description(good, good).passed
    assert not check_meta_description("x" * 200, "x" * 200).passed


def test_one_h1_passes_with_one_and_fails_with_none_or_two():
    assert check_one_h1([(1, "Title"), (2, "Section")]).passed
    assert not check_one_h1([(2, "Section")]).passed
    two = check_one_h1([(1, "Title"), (1, "Again")])
    assert not two.passed
    assert two.details == ("Title", "Again")


def test_headings_in_order_pass_and_a_skipped_level_fails():
    assert check_heading_order([(1, "T"), (2, "A"), (3, "B"), (2, "C")]).passed
    skipped = check_heading_order([(1, "T"), (2, "A"), (4, "B")])
    assert not skipped.passed
    assert skipped.details == ("“B” is an H4 after an H2",)


def test_alt_text_check_flags_missing_file_names_and_redundant_alt_but_not_decorative():
    check = check_image_alt(read_rendered_page(PAGE).images)
    assert not check.passed
    assert len(check.details) == 3
    assert "IMG_2034.jpg" in check.details[0]
    assert "has no alt text" in check.details[1]
    assert "already say it is an image" in check.details[2]
    assert check_image_alt([(None, "x")] * 0).passed
    assert check_image_alt([("", "/a.jpg"), ("A runner stretches her calf", "/b.jpg")]).passed


def test_link_text_check_flags_click_here_generic_and_bare_addresses():
    check = check_link_text(read_rendered_page(PAGE).links)
    assert not check.passed
    assert len(check.details) == 3
    assert "click here" in check.details[0]
    assert "Read more" in check.details[1]
    assert "web address" in check.details[2]
    assert check_link_text([("About our therapists", "/about/"), ("Lea más sobre la cadera", "/es/")]).passed
    assert not check_link_text([("aquí", "/es/")]).passed


def test_reading_level_check_passes_on_target_and_names_the_hardest_sentences_above_it():
    easy = check_reading_level(reading_level(["Rest for two days. Then run slowly."]))
    assert easy.passed
    hard_sentence = (
        "Comprehensive rehabilitation incorporates progressive neuromuscular strengthening and "
        "individualized biomechanical assessment."
    )
    hard = check_reading_level(reading_level([hard_sentence]))
    assert not hard.passed
    assert "grade 6–8" in hard.message
    assert hard.details[0].startswith(hard_sentence)


# The editor's endpoint, on fixture articles as the preview renders them


@pytest.fixture
def writer(blog, django_user_model):
    blog_editors_group_ensure(index_page=blog)
    user = django_user_model.objects.create_user(username="writer", password="pw")
    user.groups.add(Group.objects.get(name=BLOG_EDITORS))
    return user


def checks_for(client, article) -> dict:
    response = client.get(reverse("blog_article_checks", args=[article.pk]))
    assert response.status_code == 200
    return {check.key: check for check in response.context["checks"]}


def body_image(alt: str):
    image = ImageFactory()
    image.contextual_alt_text, image.decorative = alt, False  # ImageBlock's native value
    return image


@pytest.fixture
def good_article(blog, author):
    return BlogPageFactory(
        parent=blog,
        author=author,
        title="Shin splints",
        seo_title="Shin splints: why they hurt",
        search_description="What causes shin splints in runners, how to ease them at home, when to see us.",
        body=[
            ("heading", {"text": "Why shins hurt", "level": "h2"}),
            ("paragraph", "<p>Shin splints hurt when you run too much, too soon. Rest helps.</p>"),
            ("image", {"image": body_image("A runner holds her sore shin")}),
            ("heading", {"text": "What helps", "level": "h3"}),
            (
                "paragraph",
                '<p>Run less for a week. <a href="https://example.com/shins">Our shin guide</a>.</p>',
            ),
        ],
    )


@pytest.fixture
def poor_article(blog, author):
    return BlogPageFactory(
        parent=blog,
        author=author,
        title="Shin splints",
        body=[
            ("heading", {"text": "Pathophysiology", "level": "h3"}),
            (
                "paragraph",
                "<p>Medial tibial stress syndrome characteristically manifests as diffuse posteromedial "
                "tibial tenderness consequent upon repetitive musculotendinous traction.</p>"
                '<p><a href="https://example.com/shins">click here</a></p>',
            ),
            ("image", {"image": body_image("DSC01234.jpg")}),
        ],
    )


def test_a_good_article_passes_every_check(client, writer, good_article):
    client.force_login(writer)
    checks = checks_for(client, good_article)
    assert {key: check.passed for key, check in checks.items()} == {
        "reading-level": True,
        "seo-title": True,
        "meta-description": True,
        "one-h1": True,
        "heading-order": True,
        "image-alt": True,
        "link-text": True,
    }


def test_a_poor_article_fails_the_checks_it_should(client, writer, poor_article):
    client.force_login(writer)
    checks = checks_for(client, poor_article)
    assert {key for key, check in checks.items() if not check.passed} == {
        "reading-level",
        "seo-title",
        "meta-description",
        "heading-order",
        "image-alt",
        "link-text",
    }
    assert "Medial tibial stress syndrome" in checks["reading-level"].details[0]
    assert "DSC01234.jpg" in checks["image-alt"].details[0]


def test_the_checks_read_what_the_editor_typed_not_only_what_was_saved(client, writer, good_article):
    """The preview stores the editor's form (Wagtail's FormState); the checks read the same."""
    client.force_login(writer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[good_article.pk])
    html = client.get(edit_url).content.decode()
    assert "js/article-checks.js" in html
    assert "data-article-checks" in html
    data = form_data(
        client,
        edit_url,
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "Skipping", "level": "h3"})]},
    )
    data["seo_title"] = ""
    preview = client.post(reverse("wagtailadmin_pages:preview_on_edit", args=[good_article.pk]), data)
    assert preview.json()["is_valid"]
    assert FormState.objects.exists()
    checks = checks_for(client, good_article)
    assert not checks["seo-title"].passed
    assert not checks["heading-order"].passed
    # Nothing was saved: the checks never block or change anything.
    assert good_article.get_latest_revision_as_object().seo_title == "Shin splints: why they hurt"


def test_checks_need_the_right_to_edit_the_article(client, django_user_model, good_article):
    client.force_login(django_user_model.objects.create_user(username="nobody", password="pw", is_staff=True))
    response = client.get(reverse("blog_article_checks", args=[good_article.pk]))
    assert response.status_code in (302, 403)


def test_checks_exist_only_for_articles(admin_client, blog):
    assert admin_client.get(reverse("blog_article_checks", args=[blog.pk])).status_code == 404


def test_checks_run_on_a_new_article_before_it_is_saved(admin_client, blog):
    url = reverse("blog_new_article_checks", args=["blog", "blogpage", blog.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert [check.key for check in response.context["checks"]][0] == "reading-level"
