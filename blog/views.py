"""Admin report: live articles that no clinical reviewer has approved within their review interval
(or ever), with each one's reading level."""

import datetime

from django.utils import timezone

from wagtail.admin.views.reports import PageReportView

from .models import BlogPage


class ArticlesDueForReviewView(PageReportView):
    page_title = "Articles due for medical review"
    header_icon = "warning"
    results_template_name = "blog/admin/review_report_results.html"
    index_url_name = "blog_review_report"
    index_results_url_name = "blog_review_report_results"
    any_permission_required = ["add", "change", "publish"]
    list_export = [
        "title",
        "reviewed_by",
        "last_reviewed",
        "review_due",
        "review_interval_months",
        "reading_score",
    ]
    export_headings = {
        "reviewed_by": "Medically reviewed by",
        "review_due": "Review due",
        "reading_score": "Reading level (Flesch-Kincaid grade; Fernandez Huerta for Spanish)",
    }

    def get_filename(self):
        return f"articles-due-for-review-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        editable = self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
        return (
            BlogPage.objects.live()
            .filter(pk__in=editable.values("pk"))
            .overdue_for_review(today=timezone.localdate())
            .select_related("reviewed_by", "locale")
            .order_by("review_due", "title")
        )
