from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import index as sitemap_index
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from clinic import languages, passwords, two_factor, views
from clinic.page_cache import reads_query_parameters

urlpatterns = [
    # Before Wagtail's own views at the same addresses and names: these count attempts.
    path(
        "admin/password_reset/",
        passwords.LimitedPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        passwords.collection_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # /sitemap.xml is an index of the sitemap's pages, /sitemap-pages.xml?p=1, 2...: each page
    # stays small and fast however many pages the site has, and none passes the protocol's
    # 50,000 URLs (views.PageSitemap.limit).
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": views.SITEMAPS, "sitemap_url_name": "sitemap_pages"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        reads_query_parameters("p")(sitemap),
        {"sitemaps": views.SITEMAPS},
        name="sitemap_pages",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    # Staff members' private calendar feeds (booking/calendars): a secret address, no page.
    path("calendar-feed/", include("booking.calendars.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Answers only with DJANGO_SERVE_MEDIA=true; otherwise the proxy (or S3) serves /media/.
urlpatterns += [path("media/<path:path>", views.media, name="media")]

# Wagtail serves every other path from the page tree; it must come last. Its sign-in page for
# restricted pages is replaced by one that asks staff for their second factor too, and its page
# password form by one that limits guesses.
urlpatterns += [
    path("_util/login/", two_factor.SiteLoginView.as_view(), name="wagtailcore_login"),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        passwords.page_password,
        name="wagtailcore_authenticate_with_password",
    ),
]
# Pages and search in each language: English at /, Spanish at /es/ (clinic/languages.py decides
# the language from the path; no prefix is the default language).
urlpatterns += i18n_patterns(
    path("search/", views.search, name="search"),
    re_path(wagtail_urls.serve_pattern, languages.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
