"""Site search: plain words in, live pages out, pages whose title matches first."""

import re

from django.db import connection
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Coalesce

from wagtail.models import Page, get_page_models

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
# Ten pages of ten results: nobody reads further, and each result is ranked and made a page.
MAX_RESULTS = 100
_WORD = re.compile(r"[^\W_]+")


def search_terms(query: str) -> str:
    """The words of a visitor's query, lowercased, without punctuation or operators.

    Full-text engines give quotes, brackets and upper-case AND/OR/NOT/NEAR a meaning of their own
    (SQLite FTS5 fails on an unbalanced quote); visitors mean plain words."""
    words = _WORD.findall(query[:MAX_QUERY_CHARS].lower())
    return " ".join(words[:MAX_QUERY_WORDS])


def search_pages(pages: QuerySet, terms: str, *, limit: int = MAX_RESULTS) -> list:
    """Pages containing every word, those with every word in their title first; when no page has
    them all, pages with any of them.

    Title matches lead because the SQLite backend's bm25 ignores field boosts and favours short
    pages: "hip pain" would otherwise rank a short Services page above the hip-pain guide."""
    if not terms:
        return []
    in_title = _best(pages, terms, limit=limit, fields=["title"], operator="and")
    seen = {page.pk for page in in_title}
    everywhere = [page for page in _best(pages, terms, limit=limit, operator="and") if page.pk not in seen]
    results = in_title + everywhere
    if not results:
        results = _best(pages, terms, limit=limit, operator="or")
    return results[:limit]


def _best(pages: QuerySet, terms: str, *, limit: int, **options) -> list:
    """The best `limit` matches of at most `limit` candidates: the newest pages that match, ranked.

    Ranking reads every match's indexed text (a 1,000-word article's is ~3 kB): over the 2,350
    articles of 5,000 that say "hip" it cost more than the rest of the page. Matching alone is an
    index lookup (clinic/migrations/0011_search_indexes), so the newest `limit` matches are found
    without ranking and only they are ranked; a search with fewer matches than that (the usual
    case) ranks them all, as before. On SQLite a search with more matches than that shows them
    newest first (title matches still lead: `search_pages`)."""
    newest = list(
        pages.order_by("-first_published_at").search(terms, order_by_relevance=False, **options)[:limit]
    )
    if len(newest) == limit and connection.vendor != "postgresql":
        # SQLite's backend ranks each candidate by matching again (bm25 in a subquery): 100
        # candidates of 2,350 matches took a second. More matches than shown: newest first.
        return newest
    if not newest:
        return []
    return list(Page.objects.filter(pk__in=[page.pk for page in newest]).search(terms, **options)[:limit])


def _intro_lookups() -> list[str]:
    """`<page type>__intro` from a Page, for each page type with an intro field of its own."""
    return [
        f"{model._meta.get_field('page_ptr').related_query_name()}__intro"
        for model in get_page_models()
        if {"page_ptr", "intro"} <= {field.name for field in model._meta.local_fields}
    ]


def with_excerpts(pages: list) -> list:
    """Result pages (base pages, as the search fetched them) as their page types without their
    fields, each with `excerpt`: its search description, else its intro if its type has one.
    One query for all of them; fetching the results as their types took a query per page type."""
    intro = Coalesce(*(F(lookup) for lookup in _intro_lookups()), Value(""), output_field=TextField())
    intros = dict(Page.objects.filter(pk__in=[page.pk for page in pages]).values_list("pk", intro))
    shown = [page.specific_deferred for page in pages]
    for page in shown:
        page.excerpt = page.search_description or intros.get(page.pk) or ""
    return shown
