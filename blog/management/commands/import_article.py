"""`manage.py import_article PATH`: turn an exported text or Markdown article into a BlogPage."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from wagtail.models import Page

from blog.importers import ArticleFormatError, parse_article
from blog.models import BlogIndexPage
from blog.services import BlogIndexNotFound, article_block_counts, blog_article_create, find_blog_index
from clinic.models import CareArea, Person


class Command(BaseCommand):
    help = (
        "Import a plain-text or Markdown article as a blog article (a draft unless --publish). "
        "Site chrome such as the call banner and 'More free resources' is dropped and reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The UTF-8 text or Markdown file to import.")
        parser.add_argument(
            "--author", help="The author's name as in Clinic > Team (default: the only person)."
        )
        parser.add_argument(
            "--category", action="append", default=[], metavar="SLUG", help="A care area slug; repeatable."
        )
        parser.add_argument("--publish", action="store_true", help="Publish it (default: save a draft).")
        parser.add_argument(
            "--parent", default="", help="The blog index's slug or id (default: the only one)."
        )
        parser.add_argument("--slug", default="", help="The article's slug (default: from the title).")

    def handle(self, *args, path, author, category, publish, parent, slug, **options):
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {source}") from error
        except IsADirectoryError as error:
            raise CommandError(f"{source} is a directory, not an article file.") from error
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{source} is not UTF-8 text: {error.reason} at byte {error.start}."
            ) from error
        try:
            article = parse_article(text)
        except ArticleFormatError as error:
            raise CommandError(f"{source}: {error}") from error

        index = self._index(parent)
        person = self._author(author)
        categories = self._categories(category)
        slug = slug or slugify(article.title)
        if not slug:
            raise CommandError("The title gives no usable slug; pass --slug.")
        if not Page._slug_is_available(slug, index):
            raise CommandError(
                f"An article with the slug {slug!r} already exists under {index.title}; pass --slug."
            )

        page = blog_article_create(
            article=article, parent=index, author=person, categories=categories, slug=slug, publish=publish
        )
        counts = article_block_counts(article)
        items = sum(len(block.value["items"]) for block in article.blocks if block.kind == "list")
        state = "Published" if publish else "Saved as a draft"
        self.stdout.write(self.style.SUCCESS(f"{state}: {page.title!r} (id {page.pk}) at {page.url}"))
        self.stdout.write(
            f"  {counts['heading']} headings, {counts['paragraph']} paragraphs, {counts['list']} lists "
            f"({items} items), {counts['call_to_action']} calls to action"
        )
        self.stdout.write(f"  Skipped {len(article.skipped)} lines of site chrome:")
        for line in article.skipped:
            self.stdout.write(f"    {line[:100]}")

    def _index(self, reference: str) -> BlogIndexPage:
        try:
            return find_blog_index(reference)
        except BlogIndexNotFound as error:
            raise CommandError(str(error)) from error

    def _author(self, name: str | None) -> Person:
        people = Person.objects.all()
        if name:
            people = people.filter(name__iexact=name.strip())
            if not people:
                known = ", ".join(Person.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"Unknown author {name!r}. Known people: {known}.")
        if len(people) != 1:
            raise CommandError("Pass --author NAME (there is not exactly one matching person).")
        return people[0]

    def _categories(self, slugs: list[str]) -> list[CareArea]:
        areas = list(CareArea.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {area.slug for area in areas})
        if missing:
            known = ", ".join(CareArea.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"Unknown category {', '.join(missing)}. Known care areas: {known}.")
        return areas
