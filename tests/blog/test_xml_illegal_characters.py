"""Titles and summaries pasted from Word carry characters XML 1.0 forbids (a vertical tab, NUL,
U+FFFE): the feed, the sitemap and JSON-LD drop them instead of answering 500."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from clinic.text import xml_safe
from tests.factories import BlogPageFactory

# NUL is among them in the unit test below: PostgreSQL refuses to store it at all, and Django's
# form fields refuse it before it gets there.
HOSTILE_TITLES = ["Hip\x0bpain in runners", "Hip\x1fpain in runners", "Hip\ufffepain in runners"]
IDS = ["vertical-tab", "unit-separator", "u+fffe"]


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=IDS)
def test_feed_serves_an_article_whose_title_holds_an_xml_illegal_character(client, blog, author, title):
    BlogPageFactory(parent=blog, author=author, title=title, slug="hip-pain")
    response = client.get("/blog/feed/")
    assert response.status_code == 200
    rss = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert rss.find("channel/item/title").text == "Hippain in runners"


def test_feed_drops_xml_illegal_characters_from_summaries_and_author_names(client, blog, author):
    author.name = "Ashley\x0b Kranz"
    author.save()
    BlogPageFactory(
        parent=blog, author=author, slug="summary", search_description="Rest\x0c, then\ufffe run."
    )
    rss = ET.fromstring(client.get("/blog/feed/").content)  # noqa: S314
    assert rss.find("channel/item/description").text == "Rest, then run."
    assert rss.find("channel/item/{http://purl.org/dc/elements/1.1/}creator").text.startswith("Ashley Kranz")


def test_feed_channel_description_drops_xml_illegal_characters(client, blog):
    blog.intro = "Advice\x0b from us"
    blog.save_revision().publish()
    rss = ET.fromstring(client.get("/blog/feed/").content)  # noqa: S314
    assert rss.find("channel/description").text == "Advice from us"


def test_sitemap_is_well_formed_when_a_title_holds_a_vertical_tab(client, blog, author):
    BlogPageFactory(parent=blog, author=author, title="Hip\x0bpain", slug="hip-pain")
    response = client.get("/sitemap-pages.xml")
    assert response.status_code == 200
    ET.fromstring(response.content)  # noqa: S314


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=IDS)
def test_json_ld_drops_xml_illegal_characters(client, blog, author, title):
    article = BlogPageFactory(parent=blog, author=author, title=title, slug="hip-pain")
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    data = json.loads(page.find("script", type="application/ld+json").string)
    posting = next(node for node in data["@graph"] if node["@type"] == "BlogPosting")
    assert posting["headline"] == "Hippain in runners"


def test_xml_safe_drops_nul_and_other_control_characters():
    assert xml_safe("a\x00b\x0bc\x1fd\ufffee\uffff") == "abcde"


def test_xml_safe_keeps_tabs_newlines_and_letters_beyond_the_basic_plane():
    assert xml_safe("a\tb\nc\rd é 😀") == "a\tb\nc\rd é 😀"
