from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from clinic import views
from clinic.page_cache import reads_query_parameters

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Django's sitemap view pages its entries with ?p= (past 50,000 URLs).
    path(
        "sitemap.xml",
        reads_query_parameters("p")(sitemap),
        {"sitemaps": {"wagtail": views.PageSitemap}},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
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

# Wagtail serves every other path from the page tree; it must come last.
urlpatterns += [path("", include(wagtail_urls))]
