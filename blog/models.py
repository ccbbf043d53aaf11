"""Articles: the blog's index page (with category, tag and feed routes) and the article page.

One module although it is over 300 lines: the blog's two page types and its tag model change
together (the index lists articles through the article's queryset, tags and prefetches), and more
than half of the lines are field declarations with the editors' help texts."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from clinic.images import body_images, prefetch_renditions
from clinic.models import CareArea, Person
from clinic.public_url import PublicURLMixin
from clinic.serving import PublicPageQuerySet, ServingMixin

from .blocks import ArticleBodyBlock
from .feeds import ArticleFeed
from .readability import body_text_units, language_of, reading_level
from .reading import (
    midpoint_offer_position,
    minutes_to_read,
    review_due_date,
    table_of_contents,
    toc_tree,
    unique_anchors,
    word_count,
)

ARTICLES_PER_PAGE = 10


@dataclass(frozen=True)
class ArticleRendering:
    toc: list
    midpoint_offer: int | None
    related_articles: list
    appointment_query: str


RELATED_ARTICLES = 3
# How many of the newest articles sharing a category or tag are scored for related articles.
RELATED_CANDIDATES = 200
# What an article page shows beside its own fields, fetched with it.
ARTICLE_SELECT_RELATED = ["author__photo", "reviewed_by__photo", "hero_image", "booking_concern"]


def page_number(raw: str | None, num_pages: int) -> int:
    """?page= as a page that exists: malformed or below 1 -> the first page, past the end -> the last."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), max(num_pages, 1))


class Listing:
    """One page of a list of articles, read when the list is rendered (never while its fragment
    is cached). The first page needs no count: only ?page=N is checked against the number of pages."""

    def __init__(self, articles, raw_page: str | None):
        self.paginator = Paginator(articles, ARTICLES_PER_PAGE)
        self.raw_page = raw_page

    @cached_property
    def number(self) -> int:
        if self.raw_page in (None, "", "1"):
            return 1
        return page_number(self.raw_page, self.paginator.num_pages)

    @cached_property
    def page(self):
        page_of_articles = self.paginator.page(self.number)
        page_of_articles.object_list = list(page_of_articles.object_list)
        prefetch_renditions(article.hero_image for article in page_of_articles.object_list)
        return page_of_articles

    @cached_property
    def page_range(self):
        return list(self.paginator.get_elided_page_range(self.number, on_each_side=2))


class BlogIndexPage(PublicURLMixin, RoutablePageMixin, ServingMixin, Page):
    """/blog/: every article, newest first, and the same list by category (/category/<slug>/) or
    tag (/tag/<slug>/); /feed/ is the RSS feed."""

    # Each list's page number (the feed reads nothing).
    cache_query_parameters = ("page",)

    intro = models.TextField(max_length=500, blank=True, help_text="Shown under the heading of the list.")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["clinic.HomePage"]
    subpage_types = ["blog.BlogPage"]
    max_count = 1

    class Meta:
        verbose_name = "blog index page"

    def articles(self):
        """Live, public articles under this index, newest first, with their hero images (a listing
        fetches the renditions of the articles it shows in one query)."""
        return (
            BlogPage.objects.child_of(self)
            .live()
            .public()
            .select_related("hero_image")
            .order_by("-date", "-first_published_at", "-pk")
        )

    def care_areas(self):
        """The care areas that have live articles here: the category pages worth listing."""
        # One EXISTS per care area, which stops at its newest article: a DISTINCT over the join
        # of every live article and its categories read them all (issue 16).
        filed = self.articles().filter(categories=OuterRef("pk"))
        return CareArea.objects.filter(Exists(filed))

    def _listing(self, request, articles, *, heading: str, categories=None, **context):
        listing = Listing(articles, request.GET.get("page"))
        # Each listing page is its own canonical URL: /blog/category/hip/?page=2, not /blog/.
        canonical = (self.get_full_url(request) or "") + request.path.removeprefix(
            self.get_url(request) or ""
        )
        if listing.number > 1:
            canonical += f"?page={listing.number}"
        care_area, tag = context.get("care_area"), context.get("tag")
        # The list's cached fragment: one per index, category or tag, and page of the list.
        variant = [self.pk, care_area.pk if care_area else "", tag.pk if tag else "", listing.number]
        context = {
            # The language switch goes to the same list in the other language's blog.
            "language_subpath": request.path.removeprefix(self.get_url(request) or ""),
            "listing": listing,
            "listing_key": ":".join(map(str, variant)),
            "canonical_url": canonical,
            "listing_heading": heading,
            "categories": self.care_areas() if categories is None else categories,  # lazy until shown
            **context,
        }
        return self.render(request, context_overrides=context)

    def route(self, request, path_components):
        """An article (this page's only kind of child) is fetched as a BlogPage with its people and
        images in one query; Wagtail would fetch it as a Page, then as a BlogPage."""
        if path_components and not self._is_own_route(path_components):
            article = (
                BlogPage.objects.child_of(self)
                .select_related(*ARTICLE_SELECT_RELATED)
                .filter(slug=path_components[0])
                .first()
            )
            if article is not None:
                article._cached_parent_obj = self  # as Wagtail's routing: get_parent() needs no query
                return article.route(request, path_components[1:])
        # The index's own routes, and any other kind of child page (Wagtail's lookup).
        return super().route(request, path_components)

    def _is_own_route(self, path_components) -> bool:
        if not self.live:  # as RoutablePageMixin: a draft index has no routes of its own
            return False
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    def get_sitemap_urls(self, request=None):
        """The index, then one entry per care area that has live articles."""
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if base:
            urls += [
                {"location": base + self.reverse_subpage("category", args=[area.slug])}
                for area in self.care_areas()
            ]
        return urls

    @path("")
    def all_articles(self, request):
        return self._listing(request, self.articles(), heading=self.title)

    @path("category/<slug:slug>/")
    def category(self, request, slug):
        # Usually one of the care areas the page lists anyway: no query of its own.
        categories = list(self.care_areas())
        care_area = next((area for area in categories if area.slug == slug), None)
        if care_area is None:
            care_area = get_object_or_404(CareArea, slug=slug)
        return self._listing(
            request,
            self.articles().filter(categories=care_area),
            heading=_("Articles about %(care_area)s") % {"care_area": care_area.translated("name")},
            categories=categories,
            care_area=care_area,
        )

    @path("tag/<slug:slug>/")
    def tag(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        return self._listing(
            request,
            self.articles().filter(tags=tag),
            heading=_("Articles tagged “%(tag)s”") % {"tag": tag.name},
            tag=tag,
        )

    @path("feed/")
    def feed(self, request):
        return ArticleFeed(self)(request)


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey("blog.BlogPage", on_delete=models.CASCADE, related_name="tagged_items")


class BlogPageQuerySet(PublicPageQuerySet):
    def overdue_for_review(self, *, today):
        """Never reviewed, or the review interval ran out before `today`: the one statement of the
        rule (`review_due` is derived on save by `reading.review_due_date`)."""
        return self.filter(Q(review_due__isnull=True) | Q(review_due__lt=today))


class BlogPage(PublicURLMixin, ServingMixin, Page):
    """One article, filed under the clinic's care areas, written and medically reviewed by staff."""

    cache_query_parameters = ()

    objects = PageManager.from_queryset(BlogPageQuerySet)()

    intro = models.TextField(
        max_length=500,
        help_text=(
            "One or two sentences shown in article lists and search results, and to search engines "
            "when the Promote tab has no meta description. Not repeated on the article itself: start "
            "the body with your opening paragraph."
        ),
    )
    author = models.ForeignKey(
        "clinic.Person",
        on_delete=models.SET_NULL,
        null=True,
        related_name="articles",
        help_text="Shown with their photo, credentials and bio.",
    )
    date = models.DateField(
        "first published",
        default=timezone.localdate,
        db_index=True,  # every list is newest first
        help_text="The date readers see; lists are ordered by it, newest first.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Optional. Shown at the top, in lists and when the article is shared.",
    )
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for people who cannot see it. Required unless it is decorative.",
    )
    hero_is_decorative = models.BooleanField(
        "hero image is decorative",
        default=False,
        help_text="Tick only if the image adds nothing to the text; screen readers will skip it.",
    )
    categories = ParentalManyToManyField(
        "clinic.CareArea",
        blank=True,
        related_name="articles",
        help_text="Where the article is listed: /blog/category/<slug>/.",
    )
    booking_concern = models.ForeignKey(
        "clinic.CareArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "Pre-selects the concern on the booking form when a reader books from this article. "
            "Empty: the first category in the care areas' order."
        ),
    )
    tags = ClusterTaggableManager(
        through=BlogPageTag, blank=True, help_text="Free keywords, e.g. 'marathon'."
    )
    body = StreamField(ArticleBodyBlock(), use_json_field=True)
    # Set by a clinical reviewer's approval (blog.workflow), never typed: the public page's
    # "Medically reviewed by ... on ..." line tells patients a clinician checked this text.
    reviewed_by = models.ForeignKey(
        "clinic.Person",
        verbose_name="medically reviewed by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinical reviewer who last approved the article (their Team entry).",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When a clinical reviewer last approved the article."
    )
    review_interval_months = models.PositiveSmallIntegerField(
        "review due every (months)",
        default=12,
        help_text="The article appears in the 'Articles due for medical review' report after this.",
    )
    # Derived on save so lists and reports need no per-article work.
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    review_due = models.DateField(null=True, blank=True, editable=False, db_index=True)
    reading_score = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="Flesch-Kincaid grade of the body (Fernandez Huerta for Spanish); see blog.readability.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("author"),
        FieldPanel("date"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_alt"), FieldPanel("hero_is_decorative")],
            heading="Hero image",
        ),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("booking_concern"),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    review_panels = [
        FieldPanel("reviewed_by", read_only=True),
        FieldPanel("last_reviewed", read_only=True),
        FieldPanel("review_interval_months"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(review_panels, heading="Medical review"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("intro", boost=2),
        index.SearchField("body"),
        index.RelatedFields("categories", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "article"

    def clean(self):
        super().clean()
        if self.hero_image_id and not self.hero_is_decorative and not self.hero_alt.strip():
            raise ValidationError(
                {"hero_alt": "Describe the image, or tick 'decorative' if it adds nothing to the text."}
            )

    def save(self, *args, **kwargs):
        self.__dict__.pop("block_words", None)  # the body may have changed since it was counted
        self.reading_minutes = minutes_to_read(self.word_count)
        self.review_due = review_due_date(self.last_reviewed, self.review_interval_months)
        level = self.reading_level()
        self.reading_score = level.score if level else None
        return super().save(*args, **kwargs)

    @property
    def language(self) -> str | None:
        """The article's language for its reading level ("en", "es"), from its locale."""
        return language_of(self.locale.language_code) if self.locale_id else "en"

    def reading_level(self):
        """The body's reading level in the article's language (blog.readability), or None."""
        language = self.language
        if language is None:
            return None
        return reading_level(body_text_units(self.body.raw_data), language=language)

    @cached_property
    def block_words(self) -> list[tuple[str, int]]:
        """The body as (kind, words) per block, kind "h2", "cta" or the block's type: read once
        for the reading time, the mid-article offer and the structured data's word count."""
        kinds = {"call_to_action": "cta"}
        return [
            (
                "h2"
                if block.block_type == "heading" and block.value.get("level") != "h3"
                else kinds.get(block.block_type, block.block_type),
                word_count(" ".join(block.block.get_searchable_content(block.value))),
            )
            for block in self.body
        ]

    @property
    def word_count(self) -> int:
        return sum(words for _, words in self.block_words)

    def midpoint_offer_position(self) -> int | None:
        """Before which body block a long article offers booking mid-way (None: nowhere)."""
        return midpoint_offer_position(self.block_words)

    @property
    def ends_with_call_to_action(self) -> bool:
        """The editor closed the article with a call to action: the booking panel would repeat it."""
        return bool(self.body) and self.body[-1].block_type == "call_to_action"

    @property
    def description(self) -> str:
        return self.search_description or self.intro

    @cached_property
    def sorted_categories(self) -> list[CareArea]:
        # Sorted in Python so a preview (unsaved categories) behaves like the live page.
        return sorted(self.categories.all(), key=lambda area: (area.sort_order, area.name))

    @cached_property
    def tag_list(self) -> list[Tag]:
        return list(self.tags.all())

    @property
    def main_category(self) -> CareArea | None:
        """What the article is mainly about: the chosen booking concern, else its first category."""
        if self.booking_concern_id:
            if self._meta.get_field("booking_concern").is_cached(self):
                return self.booking_concern
            # Usually one of the article's own categories, already loaded: no query for it.
            filed = {area.pk: area for area in self.sorted_categories}
            return filed.get(self.booking_concern_id) or self.booking_concern
        return self.sorted_categories[0] if self.sorted_categories else None

    @property
    def booking_query(self) -> str:
        """'?concern=hip&from=12': pre-fills the booking form and records where the patient came from."""
        params = {}
        if self.main_category:
            params["concern"] = self.main_category.slug
        if self.pk:
            params["from"] = self.pk
        return "?" + urlencode(params) if params else ""

    def related_articles(self):
        """Up to three other live articles in this article's language: those sharing most categories
        and tags first, then newest; among the newest RELATED_CANDIDATES that share any."""
        category_ids = [area.pk for area in self.sorted_categories]
        tag_ids = [tag.pk for tag in self.tag_list]
        in_categories = BlogPage.categories.through.objects.filter(
            blogpage_id=OuterRef("pk"), carearea_id__in=category_ids
        )
        with_tags = BlogPageTag.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=tag_ids)
        others = BlogPage.objects.live().public().filter(locale_id=self.locale_id).exclude(pk=self.pk)
        # Scoring is two counting subqueries an article: over every live article it was the slowest
        # query at 5,000 (issue 16). Only the newest RELATED_CANDIDATES articles that share
        # something are scored: an older one that shares more is missed (docs/scale.md), and the
        # work no longer grows with the blog.
        candidates = (
            others.filter(Exists(in_categories) | Exists(with_tags))
            .order_by("-date", "-pk")
            .values("pk")[:RELATED_CANDIDATES]
        )
        # Correlated subqueries rather than COUNT(DISTINCT) over two joins: the joins multiply
        # rows (articles x categories x tags).
        shared_categories = in_categories.order_by().values("blogpage_id").annotate(n=Count("*")).values("n")
        shared_tags = with_tags.order_by().values("content_object_id").annotate(n=Count("*")).values("n")
        shared = Coalesce(Subquery(shared_categories), 0) + Coalesce(Subquery(shared_tags), 0)
        # The newest three as well: when fewer than three share anything, they fill the places
        # (shared = 0), as the old ordering did, in the same query.
        newest = others.order_by("-date", "-pk").values("pk")[:RELATED_ARTICLES]
        return list(
            BlogPage.objects.filter(Q(pk__in=candidates) | Q(pk__in=newest))
            .annotate(shared=shared)
            .select_related("hero_image")
            .order_by("-shared", "-date", "-pk")[:RELATED_ARTICLES]
        )

    def load_people(self) -> None:
        """Author and reviewer with their photos in one query, unless they came with the article
        (routing fetches them with it; a preview's article comes from a revision)."""
        ids = {name: getattr(self, f"{name}_id") for name in ("author", "reviewed_by")}
        ids = {name: pk for name, pk in ids.items() if pk}
        if all(self._meta.get_field(name).is_cached(self) for name in ids):
            return
        people = Person.objects.select_related("photo").in_bulk(ids.values())
        for name, pk in ids.items():
            setattr(self, name, people.get(pk))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["parent_index"] = self.get_parent().specific
        return context

    @cached_property
    def rendering(self) -> ArticleRendering:
        """What the article's cached parts show beyond its own fields (templates/blog/blog_page.html),
        worked out when one of them is rendered: never while they all come from the fragment cache."""
        self.load_people()
        related = list(self.related_articles())
        photos = [person.photo for person in (self.author, self.reviewed_by) if person]
        related_heroes = [article.hero_image for article in related]
        prefetch_renditions([self.hero_image, *photos, *related_heroes, *body_images(self.body)])
        headings = [block.value for block in self.body if block.block_type in ("heading", "faq")]
        # Two headings (or FAQ sections) with the same text would share an id; number the repeats.
        # The values are the ones the template renders (StreamValue keeps its bound blocks), so
        # ids and links agree.
        for value, anchor in zip(headings, unique_anchors(value.anchor for value in headings), strict=True):
            value.anchor = anchor
        return ArticleRendering(
            toc=toc_tree(table_of_contents(self.body)),
            midpoint_offer=self.midpoint_offer_position(),
            related_articles=related,
            appointment_query=self.booking_query,
        )
