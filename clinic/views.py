"""Site-wide plain views: search, health check and robots.txt."""

import logging
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from wagtail.models import Page, Site

from clinic.search import MAX_QUERY_CHARS, search_pages, search_terms

logger = logging.getLogger(__name__)

SEARCH_RESULTS_PER_PAGE = 10


@require_safe
def search(request):
    """/search/?q=: live, public pages of this site, best match first."""
    query = request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()
    terms = search_terms(query)
    results = None
    if terms:
        site = Site.find_for_request(request)
        pages = Page.objects.live().public().specific()
        if site is not None:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        paginator = Paginator(search_pages(pages, terms), SEARCH_RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("page"))
    context = {
        "search_query": query,
        "search_terms": terms,
        "results": results,
        "page_range": results.paginator.get_elided_page_range(results.number) if results else [],
        "query_string": urlencode({"q": terms}) + "&" if terms else "",
    }
    return render(request, "clinic/search.html", context)


@require_safe
@cache_control(no_store=True)
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means unhealthy; the reason goes to the log
        logger.exception("Health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
