"""The blog's part of the demo site: /blog/, the hip-pain guide and a few short demo articles, the
Blog editors and Clinical reviewers groups with the Clinical review workflow, and Ashley Kranz's
admin account as the clinical reviewer who approved the guide.

Found and run by `load_demo_content`, after the clinic's part. Idempotent: what exists is kept."""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clinic.demo import ensure_translation
from clinic.models import CareArea, Person
from clinic.richtext import clean_rich_text

from ..importers import parse_article
from ..models import BlogIndexPage, BlogPage
from ..services import (
    CLINICAL_REVIEWERS,
    blog_article_create,
    blog_editors_group_ensure,
    clinical_review_ensure,
    stream_blocks_from_parsed,
)
from ..workflow import without_emails

GUIDE = Path(__file__).resolve().parent / "hip-pain-in-runners.txt"
# The guide in US Spanish, translated for the demo: published without a medical review, so it is
# listed in "Articles due for medical review" until a clinician approves it (docs/translation.md).
GUIDE_ES = Path(__file__).resolve().parent / "dolor-de-cadera-en-corredores.txt"
GUIDE_ES_SLUG = "dolor-de-cadera-en-corredores"
GUIDE_ES_CALL_TO_ACTION = (
    "Llame al {phone} o [reserve hoy una Visita de Evaluación Gratuita], y trabajemos juntos para "
    "que siga corriendo fuerte, sano y sin dolor."
)
INDEX_ES = {
    "title": "Blog sobre lesiones al correr",
    "intro": "Consejos gratuitos de nuestros fisioterapeutas para correr sin dolor.",
}
GUIDE_SLUG = "hip-pain-in-runners"
AUTHOR = "Ashley Kranz"
# Her admin account: no password (set one with `manage.py changepassword ashley` to review as her).
REVIEWER = {"username": "ashley", "first_name": "Ashley", "last_name": "Kranz", "email": "ashley@example.com"}

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
    clinical_review_ensure(index_page=index)
    author = Person.objects.get(name=AUTHOR)
    reviewer = _ensure_reviewer_account(author, log=log)
    if not BlogPage.objects.filter(slug=GUIDE_SLUG, locale=index.locale).exists():
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
        guide.save_revision()
        # Through the workflow, as an editor's article would go: the approval publishes it and is
        # its medical review (blog.workflow).
        with without_emails():
            review = guide.get_workflow().start(guide, user=None)
            review.current_task_state.approve(user=reviewer)
        log(f"Imported the guide at /blog/{GUIDE_SLUG}/, approved by {reviewer.get_full_name()}.")
    _ensure_spanish(index, log=log)
    for spec in DEMO_ARTICLES:
        if BlogPage.objects.filter(slug=spec["slug"], locale=index.locale).exists():
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


def _ensure_spanish(index: BlogIndexPage, *, log) -> None:
    """/es/blog/ and the hip-pain guide in Spanish, once the Spanish home exists (clinic's demo)."""
    index_es = ensure_translation(index, log=log, **INDEX_ES)
    # The review runs per language: Spanish articles go live through the same Clinical review.
    blog_editors_group_ensure(index_page=index_es)
    clinical_review_ensure(index_page=index_es)
    guide = BlogPage.objects.filter(slug=GUIDE_SLUG, locale=index.locale).first()
    if guide is None or not guide.live:
        return
    article = parse_article(GUIDE_ES.read_text(encoding="utf-8"))
    body = stream_blocks_from_parsed(article) + [("call_to_action", {"text": GUIDE_ES_CALL_TO_ACTION})]
    translated = ensure_translation(
        guide,
        log=log,
        title=article.title,
        slug=GUIDE_ES_SLUG,
        intro=article.intro[:500],
        body=body,
        seo_title="Dolor de cadera en corredores: causas y tratamiento",
        search_description=(
            "Por qué duele la cadera al correr, cómo prevenirlo y cuándo pedir ayuda: guía de una "
            "fisioterapeuta experta en lesiones de corredores en Davie, Florida."
        ),
        # Its own review: the English approval does not cover the translation.
        reviewed_by=None,
        last_reviewed=None,
    )
    if not translated.tags.exists():
        translated.tags.add("dolor de cadera", "fuerza")
        translated.save_revision().publish()


def _ensure_reviewer_account(person: Person, *, log):
    """Ashley Kranz's admin account, in Clinical reviewers and linked to her Team entry."""
    User = get_user_model()  # noqa: N806
    user = User.objects.filter(username=REVIEWER["username"]).first()
    if user is None:
        user = User(**REVIEWER)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=CLINICAL_REVIEWERS))
        log(f"Created {person.name}'s admin account '{user.username}' (Clinical reviewers; no password yet).")
    if person.user_id is None and not Person.objects.filter(user=user).exists():
        person.user = user
        person.save(update_fields=["user"])
    return user
