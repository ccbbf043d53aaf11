"""The blog's part of the demo site: /blog/, the hip-pain guide and a few short demo articles.

Found and run by `load_demo_content`, after the clinic's part. Idempotent: what exists is kept."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from clinic.models import CareArea, Person
from clinic.richtext import clean_rich_text

from ..importers import parse_article
from ..models import BlogIndexPage, BlogPage
from ..services import blog_article_create, blog_editors_group_ensure

GUIDE = Path(__file__).resolve().parent / "hip-pain-in-runners.txt"
GUIDE_SLUG = "hip-pain-in-runners"
AUTHOR = "Ashley Kranz"

# Short placeholder articles so related articles and category pages have something to show.
DEMO_ARTICLES = [
    {
        "slug": "demo-knee-pain-after-long-runs",
        "title": "Knee Pain After Long Runs (demo article)",
        "intro": "Demo copy: a short placeholder article about knee pain, for trying out the blog.",
        "categories": ["knee", "running-injuries"],
        "tags": ["long runs"],
        "days_ago": 30,
        "body": [
            ("heading", {"text": "Why long runs hurt your knees", "level": "h2"}),
            ("paragraph", "<p>This is demo copy. Replace it with a real article before going live.</p>"),
        ],
    },
    {
        "slug": "demo-stretching-before-races",
        "title": "Stretching Before Races (demo article)",
        "intro": "Demo copy: a short placeholder article about warming up, for trying out the blog.",
        "categories": ["hip", "running-injuries"],
        "tags": ["races", "mobility"],
        "days_ago": 60,
        "body": [
            ("heading", {"text": "A five-minute warm-up", "level": "h2"}),
            ("paragraph", "<p>This is demo copy. Replace it with a real article before going live.</p>"),
        ],
    },
]


def load(*, site, log) -> None:
    home = site.root_page.specific
    index = BlogIndexPage.objects.child_of(home).first()
    if index is None:
        index = BlogIndexPage(
            title="Running injury blog",
            slug="blog",
            intro="Free advice from our physical therapists on running pain-free.",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.save_revision().publish()
        log("Created the blog at /blog/.")
    blog_editors_group_ensure(index_page=index)
    author = Person.objects.get(name=AUTHOR)
    if not BlogPage.objects.filter(slug=GUIDE_SLUG).exists():
        article = parse_article(GUIDE.read_text(encoding="utf-8"))
        guide = blog_article_create(
            article=article,
            parent=index,
            author=author,
            categories=list(CareArea.objects.filter(slug__in=["hip", "running-injuries"])),
            slug=GUIDE_SLUG,
        )
        guide.tags.add("hip pain", "strength")
        guide.booking_concern = CareArea.objects.get(slug="hip")
        guide.reviewed_by = author
        guide.last_reviewed = timezone.localdate()
        guide.save_revision().publish()
        log(f"Imported the guide at /blog/{GUIDE_SLUG}/.")
    for spec in DEMO_ARTICLES:
        if BlogPage.objects.filter(slug=spec["slug"]).exists():
            continue
        page = BlogPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            author=author,
            date=timezone.localdate() - timedelta(days=spec["days_ago"]),
            body=[(kind, clean_rich_text(v) if kind == "paragraph" else v) for kind, v in spec["body"]],
        )
        page.categories.set(CareArea.objects.filter(slug__in=spec["categories"]))
        page.tags.add(*spec["tags"])
        index.add_child(instance=page)
        page.save_revision().publish()
        log(f"Created the demo article /blog/{spec['slug']}/.")
