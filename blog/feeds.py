"""The blog's RSS 2.0 feed at /blog/feed/, served by the BlogIndexPage's `feed` route."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from clinic.text import xml_safe_data

FEED_ITEMS = 20


class XMLSafeRssFeed(Rss201rev2Feed):
    """RSS that drops the characters XML 1.0 forbids from every field (titles pasted from Word
    carry vertical tabs); Django's XML writer refuses them and the feed would answer 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe_data(args), **xml_safe_data(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe_data(args), **xml_safe_data(kwargs))


class ArticleFeed(Feed):
    feed_type = XMLSafeRssFeed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index_page

    def title(self, index):
        return index.title

    def link(self, index):
        return index.get_full_url(request=self.request)

    def description(self, index):
        return index.intro or f"Articles from {index.get_site().site_name or index.title}"

    def items(self, index):
        return index.articles().select_related("author").prefetch_related("categories")[:FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.description

    def item_link(self, article):
        # On the public origin (clinic.public_url), not the host this request came in on, so links
        # and guids never change; the request lets Wagtail look up the site root paths once.
        return article.get_full_url(request=self.request)

    def item_guid(self, article):
        return article.get_full_url(request=self.request)

    def item_pubdate(self, article):
        # The date readers see, at the clinic's midnight; RSS wants a full timestamp.
        return timezone.make_aware(datetime.combine(article.date, time.min))

    def item_updateddate(self, article):
        return article.last_published_at

    def item_author_name(self, article):
        return article.author.name_with_credentials if article.author else None

    def item_categories(self, article):
        return [area.name for area in article.categories.all()]
