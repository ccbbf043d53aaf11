"""Admin additions: the article editor's checks and the blog's listing (blog.editor), the
'Articles due for medical review' report under Reports, and the blog's section of the home page
(its latest articles)."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from clinic.models import HOME_PAGE_SECTIONS_HOOK

from . import editor
from .home import LatestArticles
from .models import BlogPage
from .views import ArticlesDueForReviewView


@hooks.register("register_admin_viewset")
def register_article_viewset():
    return editor.ArticleViewSet("articles")


@hooks.register("register_admin_urls")
def register_article_checks_urls():
    return editor.urlpatterns


@hooks.register("construct_wagtail_userbar")
def leave_article_findings_to_the_article_checks(request, items, page):
    """In an article's editor, Wagtail's Checks panel runs without the rules the article checks
    cover (editor.ArticleContentChecker)."""
    if isinstance(page, BlogPage):
        for index, item in enumerate(items):
            if isinstance(item, ContentCheckerItem) and item.in_editor:
                items[index] = editor.ArticleContentChecker(in_editor=True)


@hooks.register("register_admin_urls")
def register_review_report_urls():
    return [
        path(
            "reports/articles-due-for-review/", ArticlesDueForReviewView.as_view(), name="blog_review_report"
        ),
        path(
            "reports/articles-due-for-review/results/",
            ArticlesDueForReviewView.as_view(results_only=True),
            name="blog_review_report_results",
        ),
    ]


class ReviewReportMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change", "publish"])


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return ReviewReportMenuItem(
        "Articles due for medical review",
        reverse("blog_review_report"),
        name="articles-due-for-review",
        icon_name="warning",
        order=650,
    )


@hooks.register(HOME_PAGE_SECTIONS_HOOK)
def latest_articles_on_home(request, home_page):
    return LatestArticles(home_page)
