"""The article editor's additions: patient-information checks in Wagtail's Checks side panel,
refreshed from what the editor has typed each time the preview updates, and the reading level
in the blog's page listing. The checks only ever warn (blog.checks)."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.side_panels import ChecksSidePanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.views.pages.preview import PreviewOnCreateView, PreviewOnEditView
from wagtail.admin.viewsets.pages import PageViewSet

from .checks import Check, run_checks
from .models import BlogPage
from .readability import language_of, level_label


class ArticleChecksSidePanel(ChecksSidePanel):
    """Wagtail's Checks panel (accessibility checks of the preview, word count, reading time) with
    the article checks above its issues. The checks come from the endpoints below, fetched by
    static/js/article-checks.js at the preview's own URL plus "checks/"."""

    template_name = "blog/admin/checks_side_panel.html"

    class Media:
        js = ["js/article-checks.js"]


def with_article_checks(side_panels, page, request):
    for index, panel in enumerate(side_panels):
        if isinstance(panel, ChecksSidePanel):
            side_panels[index] = ArticleChecksSidePanel(page, request)
    return side_panels


class ArticleEditView(EditView):
    def get_side_panels(self):
        return with_article_checks(super().get_side_panels(), self.page, self.request)


class ArticleCreateView(CreateView):
    def get_side_panels(self):
        return with_article_checks(super().get_side_panels(), self.page, self.request)


class ReadingLevelColumn(Column):
    """An article's reading level as saved ("grade 8.8"), with whether it is on target."""

    def get_value(self, instance):
        score = getattr(instance, "reading_score", None)
        if score is None:
            return "—"
        language = language_of(instance.locale.language_code)
        return level_label(score, language) if language else f"{score:.1f}"


class ArticleIndexView(ExplorableIndexView):
    def annotate_queryset(self, pages):
        # The reading level's formula follows each article's language: one query for the locales.
        return super().annotate_queryset(pages).prefetch_related("locale")


class ArticleViewSet(PageViewSet):
    """Articles' editor and, as the blog index only holds articles, the blog's listing."""

    model = BlogPage
    edit_view_class = ArticleEditView
    add_view_class = ArticleCreateView
    index_view_class = ArticleIndexView
    columns = [
        *[column for column in ExplorableIndexView.base_columns if column.name != "status"],
        ReadingLevelColumn("reading_score", label=_("Reading level"), sort_key="reading_score", width="12%"),
        *[column for column in ExplorableIndexView.base_columns if column.name == "status"],
    ]


class ArticleContentChecker(ContentCheckerItem):
    """Wagtail's accessibility checks, less those the article checks make with more to say
    (heading order, alt text, meta description): one finding is not reported twice."""

    axe_run_only = [
        rule
        for rule in ContentCheckerItem.axe_run_only
        if rule not in {"heading-order", "alt-text-quality", "empty-meta-description"}
    ]


class ArticleChecksMixin:
    """The article checks on the editor's current form: the data the preview last stored for this
    user (Wagtail's FormState), else the latest saved revision."""

    http_method_names = ("get",)

    def get(self, request, *args, **kwargs):
        if not isinstance(self.object, BlogPage):
            raise Http404
        form_state = self._get_form_state()
        page = self.object
        if form_state is not None:
            form = self.get_form(self._get_form_data(form_state))
            if self.validate_form(form):
                form.save(commit=False)
                page = form.instance
        checks = article_checks(request, page)
        return TemplateResponse(
            request,
            "blog/admin/article_checks.html",
            {
                "checks": checks,
                "warnings": sum(not check.passed for check in checks),
                "reading": next((check for check in checks if check.key == "reading-level"), None),
                "level": page.reading_level(),
            },
        )


class ArticleChecksView(ArticleChecksMixin, PreviewOnEditView):
    pass


class NewArticleChecksView(ArticleChecksMixin, PreviewOnCreateView):
    pass


def article_checks(request, page) -> list[Check]:
    """Render `page` as its preview does and check what a patient would read."""
    response = page.make_preview_request(request, page.default_preview_mode, {"is_editing": True})
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return run_checks(
        html=response.content.decode(),
        seo_title=page.seo_title,
        search_description=page.search_description,
        reading=page.reading_level(),
    )


# Beside Wagtail's preview URLs, so the script finds them from the preview panel's URL, which
# Wagtail updates when autosave turns a new page into a saved one.
urlpatterns = [
    path("pages/<int:page_id>/edit/preview/checks/", ArticleChecksView.as_view(), name="blog_article_checks"),
    path(
        "pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/preview/checks/",
        NewArticleChecksView.as_view(),
        name="blog_new_article_checks",
    ),
]
