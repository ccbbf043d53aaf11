"""/search/?q= finds live, public pages and articles, and copes with whatever visitors type."""

import pytest
from bs4 import BeautifulSoup

from wagtail.models import PageViewRestriction

from clinic.search import MAX_QUERY_CHARS as SEARCH_MAX_CHARS
from clinic.search import search_terms
from tests.factories import BlogIndexPageFactory, BlogPageFactory, StandardPageFactory


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def result_titles(page):
    return [a.get_text() for a in page.select(".search-results h3 a")]


@pytest.fixture
def articles(home):
    blog = BlogIndexPageFactory(parent=home)
    guide = BlogPageFactory(
        parent=blog,
        title="Hip Pain in Runners",
        slug="hip-pain-in-runners",
        intro="Causes, prevention and recovery of hip pain.",
        body=[("paragraph", "<p>Hip pain is common in runners. Strong glutes help with hip pain.</p>")],
    )
    BlogPageFactory(
        parent=blog,
        title="Knee pain after long runs",
        intro="Why knees ache.",
        body=[("paragraph", "<p>Knee pain can come from the hip, but usually it is the knee.</p>")],
    )
    BlogPageFactory(
        parent=blog,
        title="Foot pain",
        intro="Plantar fasciitis.",
        body=[("paragraph", "<p>Pain under the heel.</p>")],
    )
    BlogPageFactory(parent=blog, title="Secret hip draft", live=False)
    private = BlogPageFactory(parent=blog, title="Private hip notes", intro="Hip pain notes for staff.")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    StandardPageFactory(parent=home, title="Services", intro="We treat hip, knee and foot pain.")
    return guide


def test_hip_pain_query_ranks_the_hip_pain_guide_first(client, articles):
    page = soup(client.get("/search/", {"q": "hip pain"}))
    titles = result_titles(page)
    assert titles[0] == "Hip Pain in Runners"
    assert "Secret hip draft" not in titles
    assert "Private hip notes" not in titles  # password-protected
    assert page.select_one(".search-results a")["href"] == "/blog/hip-pain-in-runners/"


def test_each_result_shows_its_intro(client, articles):
    page = soup(client.get("/search/", {"q": "hip pain"}))
    items = page.select(".search-results li")
    excerpts = {item.h3.get_text(strip=True): item.p.get_text(strip=True) for item in items}
    assert excerpts["Hip Pain in Runners"] == "Causes, prevention and recovery of hip pain."
    assert excerpts["Services"] == "We treat hip, knee and foot pain."


def test_a_results_search_description_is_shown_before_its_intro(client, articles):
    articles.search_description = "The complete guide to hip pain for runners."
    articles.save_revision().publish()
    page = soup(client.get("/search/", {"q": "hip pain"}))
    assert page.select_one(".search-results li p").get_text() == "The complete guide to hip pain for runners."


def test_search_shows_a_labelled_search_form_with_the_query_kept(client, articles):
    page = soup(client.get("/search/", {"q": "knee"}))
    form = page.find("form", attrs={"role": "search"})
    field = form.find("input", attrs={"name": "q"})
    assert form.find("label", attrs={"for": field["id"]})
    assert field["value"] == "knee"
    assert result_titles(page)[0] == "Knee pain after long runs"


def test_search_results_are_paginated_keeping_the_query(client, home):
    blog = BlogIndexPageFactory(parent=home)
    for n in range(12):
        BlogPageFactory(parent=blog, title=f"Running tip {n}", intro="A running tip.")
    first = soup(client.get("/search/", {"q": "running tip"}))
    assert len(result_titles(first)) == 10
    next_link = first.find("nav", attrs={"aria-label": "Pagination"}).find("a", rel="next")
    assert next_link["href"] == "?q=running+tip&page=2"
    assert len(result_titles(soup(client.get("/search/?q=running+tip&page=2")))) == 2
    assert len(result_titles(soup(client.get("/search/?q=running+tip&page=99")))) == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '"hip',
        "'; DROP TABLE wagtailcore_page; --",
        "<script>alert(1)</script>",
        "()*&^%$#@!",
        "hip AND OR NOT NEAR(",
        "x" * 10_000,
        "hip " * 2_500,
        "\x00",
        "ü",
    ],
)
def test_hostile_or_odd_queries_get_a_helpful_page_not_an_error(client, articles, query):
    response = client.get("/search/", {"q": query})
    page = soup(response)
    assert page.find("form", attrs={"role": "search"})
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert len(page.find("input", attrs={"name": "q"}).get("value", "")) <= SEARCH_MAX_CHARS


def test_query_without_words_explains_what_to_type(client, articles):
    page = soup(client.get("/search/", {"q": "?!"}))
    assert "Type a word or two" in page.get_text()


def test_search_terms_keep_only_lowercased_words_capped_in_length():
    assert search_terms('  "Hip"  PAIN?! (runners) ') == "hip pain runners"
    assert search_terms("a OR b AND NOT c") == "a or b and not c"
    assert search_terms("_-_") == ""
    assert len(search_terms("word " * 5000)) <= SEARCH_MAX_CHARS


def test_blog_index_offers_the_search_form(client, articles):
    form = soup(client.get("/blog/")).find("form", attrs={"role": "search"})
    assert form["action"] == "/search/"


def test_search_is_in_the_main_menu_and_marked_current_on_the_search_page(client, home):
    nav = BeautifulSoup(client.get("/search/").content, "html.parser").find(
        "nav", attrs={"aria-label": "Main"}
    )
    link = nav.find("a", string="Search")
    assert link["href"] == "/search/"
    assert link["aria-current"] == "page"


def test_no_results_offer_the_clinics_phone_number(client, articles):
    page = soup(client.get("/search/", {"q": "zebra"}))
    assert result_titles(page) == []
    assert page.select_one(".search-page a[href='tel:+19545195404']").get_text() == "(954) 519-5404"
