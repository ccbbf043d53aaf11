"""The home page leads with the blog's latest articles (blog/home.py), and a newly published one
shows there at once, also with the page and fragment caches on."""

from datetime import date

import pytest
from bs4 import BeautifulSoup

from wagtail.models import PageViewRestriction

from tests.factories import BlogPageFactory


def latest(client) -> list[str]:
    response = client.get("/")
    assert response.status_code == 200
    section = BeautifulSoup(response.content, "html.parser").find("section", class_="latest-articles")
    if section is None:
        return []
    return [h3.get_text(strip=True) for h3 in section.find_all("h3")]


@pytest.fixture
def articles(blog):
    return [
        BlogPageFactory(parent=blog, title=f"Guide {n}", slug=f"guide-{n}", date=date(2026, 1, n))
        for n in range(1, 6)
    ]


def test_home_page_leads_with_the_three_latest_articles_newest_first(client, articles):
    assert latest(client) == ["Guide 5", "Guide 4", "Guide 3"]


def test_the_latest_articles_come_right_after_the_hero_and_link_to_the_blog(client, articles, blog):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    section = page.find("section", class_="latest-articles")
    assert section.find_previous_sibling("section")["class"] == ["hero"]
    assert section.find("a", string="All articles")["href"] == blog.url
    assert section.find("a", string="Guide 5")["href"] == "/blog/guide-5/"


def test_drafts_and_private_articles_stay_off_the_home_page(client, articles):
    articles[4].unpublish()
    PageViewRestriction.objects.create(page=articles[3], restriction_type=PageViewRestriction.LOGIN)
    assert latest(client) == ["Guide 3", "Guide 2", "Guide 1"]


def test_home_page_without_articles_has_no_empty_section(client, blog):
    assert latest(client) == []
    assert b"Latest articles" not in client.get("/").content


@pytest.mark.parametrize("caches", [{"PAGE_CACHE_SECONDS": 60}, {"FRAGMENT_CACHE_SECONDS": 60}])
def test_a_newly_published_article_appears_on_home_with_the_caches_on(
    client, settings, articles, blog, caches
):
    for name, seconds in caches.items():
        setattr(settings, name, seconds)
    assert latest(client) == ["Guide 5", "Guide 4", "Guide 3"]
    assert latest(client) == ["Guide 5", "Guide 4", "Guide 3"]  # now from the cache
    draft = BlogPageFactory(parent=blog, title="Knee pain after long runs", date=date(2026, 2, 1), live=False)
    draft.save_revision().publish()
    assert latest(client) == ["Knee pain after long runs", "Guide 5", "Guide 4"]
