"""The RSS feed at /blog/feed/ and the sitemap list live articles."""

import xml.etree.ElementTree as ET
from datetime import date
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime

from wagtail.models import PageViewRestriction

from tests.factories import BlogPageFactory, StandardPageFactory

DC = "{http://purl.org/dc/elements/1.1/}"


def test_feed_is_rss_2_with_the_newest_live_articles(client, blog, author, hip):
    BlogPageFactory(
        parent=blog, author=author, title="Older", slug="older", date=date(2026, 1, 5), categories=[hip]
    )
    BlogPageFactory(parent=blog, author=author, title="Newer", slug="newer", date=date(2026, 2, 5))
    BlogPageFactory(parent=blog, author=author, title="Draft", live=False)
    response = client.get("/blog/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert rss.tag == "rss"
    assert rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "Blog"
    assert channel.findtext("link") == "http://testserver/blog/"
    assert channel.findtext("description") == "Advice from our physical therapists."
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Newer", "Older"]
    older = items[1]
    assert older.findtext("link") == "http://testserver/blog/older/"
    assert older.findtext("guid") == "http://testserver/blog/older/"
    assert older.findtext("description") == "What to know about older."
    assert older.findtext(f"{DC}creator") == "Ashley Kranz, PT, DPT"
    assert older.findtext("category") == "Hip"
    published = parsedate_to_datetime(older.findtext("pubDate"))
    assert published.date() == date(2026, 1, 5)
    assert published.utcoffset() is not None


def test_blog_index_advertises_its_feed(client, blog):
    page = BeautifulSoup(client.get("/blog/").content, "html.parser")
    assert page.find("link", rel="alternate", type="application/rss+xml")["href"] == "/blog/feed/"


def test_sitemap_lists_live_articles_with_lastmod(client, blog, author):
    article = BlogPageFactory(parent=blog, author=author, slug="in-sitemap")
    article.save_revision().publish()
    article.refresh_from_db()
    BlogPageFactory(parent=blog, author=author, slug="draft-article", live=False)
    sitemap = ET.fromstring(client.get("/sitemap-pages.xml").content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns) for url in sitemap
    }
    published_on = localtime(article.last_published_at).date()
    assert entries["http://testserver/blog/in-sitemap/"] == published_on.isoformat()
    assert "http://testserver/blog/draft-article/" not in entries


def test_sitemap_leaves_out_private_pages_and_what_is_under_them(client, home, blog, author):
    private = BlogPageFactory(parent=blog, author=author, slug="private-article")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    staff = StandardPageFactory(parent=home, slug="staff")
    StandardPageFactory(parent=staff, slug="rota")
    PageViewRestriction.objects.create(page=staff, restriction_type="login")
    BlogPageFactory(parent=blog, author=author, slug="public-article")
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "/blog/public-article/" in sitemap
    assert "/blog/private-article/" not in sitemap
    assert "/staff/" not in sitemap


def test_feed_query_count_does_not_grow_with_articles(client, blog, author, hip):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/blog/feed/").status_code == 200
        return len(captured)

    BlogPageFactory(parent=blog, author=author, categories=[hip])
    queries()  # fills the site root paths cache
    one = queries()
    for _ in range(29):
        BlogPageFactory(parent=blog, author=author, categories=[hip], tags=["x"])
    assert queries() == one


def test_sitemap_lists_category_pages_that_have_articles(client, blog, author, hip, running):
    BlogPageFactory(parent=blog, author=author, categories=[hip])
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://testserver/blog/category/hip/</loc>" in sitemap
    assert "/blog/category/running-injuries/" not in sitemap
