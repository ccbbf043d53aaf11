"""The blog's section of the home page: its latest articles, so a clinic that leads with its guides
shows them first. Registered in wagtail_hooks.py under clinic's HOME_PAGE_SECTIONS_HOOK; read when
the home page's sections fragment is rendered, never while it comes from the cache."""

from django.utils.functional import cached_property

from clinic.images import prefetch_renditions

from .models import BlogPage

LATEST_ON_HOME = 3


class LatestArticles:
    template_name = "blog/includes/latest_articles.html"

    def __init__(self, home):
        self.home = home

    @cached_property
    def articles(self) -> list[BlogPage]:
        """The site's newest live, public articles, as the blog's index orders them."""
        articles = list(
            BlogPage.objects.live()
            .public()
            .descendant_of(self.home)
            .select_related("hero_image")
            .order_by("-date", "-first_published_at", "-pk")[:LATEST_ON_HOME]
        )
        prefetch_renditions(article.hero_image for article in articles)
        return articles

    @cached_property
    def index(self):
        """The blog the articles are in, for the link to all of them."""
        return self.articles[0].get_parent() if self.articles else None
