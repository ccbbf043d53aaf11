"""Admin additions: the 'Articles due for medical review' report under Reports; and the blog's
section of the home page (its latest articles)."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from clinic.models import HOME_PAGE_SECTIONS_HOOK

from .home import LatestArticles
from .views import ArticlesDueForReviewView


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
