"""`manage.py setup_blog_editors`: create or refresh the 'Blog editors' staff group."""

from django.core.management.base import BaseCommand, CommandError

from blog.services import BLOG_EDITORS, BlogIndexNotFound, blog_editors_group_ensure, find_blog_index


class Command(BaseCommand):
    help = (
        "Create the 'Blog editors' group (write and publish articles, upload images; nothing else). "
        "Page permissions need the blog's index page, so run this after creating it. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--parent", default="", help="The blog index's slug or id (default: the only one)."
        )

    def handle(self, *args, parent, **options):
        try:
            index = find_blog_index(parent)
        except BlogIndexNotFound as error:
            raise CommandError(str(error)) from error
        blog_editors_group_ensure(index_page=index)
        self.stdout.write(self.style.SUCCESS(f"'{BLOG_EDITORS}' may write and publish under {index.title}."))
