"""`manage.py setup_blog_editors`: create or refresh the staff who write and review articles."""

from django.core.management.base import BaseCommand, CommandError

from blog.models import BlogIndexPage
from blog.services import (
    BLOG_EDITORS,
    CLINICAL_REVIEW,
    CLINICAL_REVIEWERS,
    BlogIndexNotFound,
    blog_editors_group_ensure,
    blog_translation_staff_ensure,
    clinical_review_ensure,
    find_blog_index,
)


class Command(BaseCommand):
    help = (
        "Create the 'Blog editors' group (write articles and submit them for review, upload images; "
        "nothing else), the 'Clinical reviewers' group and the 'Clinical review' workflow that "
        "publishes an article once a reviewer approves it. Page permissions need the blog's index "
        "page, so run this after creating it. Safe to re-run."
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
        clinical_review_ensure(index_page=index)
        # Its translations (made before this ran) get the same, as new ones do when created.
        translations = BlogIndexPage.objects.filter(translation_key=index.translation_key).exclude(
            pk=index.pk
        )
        for translation in translations:
            blog_translation_staff_ensure(translation)
        # Staff may have chosen another workflow for the blog (Settings > Workflows); say which applies.
        workflow = index.get_workflow()
        self.stdout.write(
            self.style.SUCCESS(
                f"'{BLOG_EDITORS}' may write under {index.title} and submit to '{CLINICAL_REVIEW}'; "
                f"'{CLINICAL_REVIEWERS}' approve. Articles there follow the workflow '{workflow}'. "
                f"Add staff to the groups under Settings > Users, and link each reviewer's Team entry "
                f"to their account (Clinic > Team > admin account)."
            )
        )
