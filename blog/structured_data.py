"""schema.org data for an article: BlogPosting, MedicalWebPage (when reviewed), breadcrumbs, FAQs."""

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext

from clinic.languages import content_language
from clinic.public_url import absolute_url


def _person(person) -> dict:
    data = {"@type": "Person", "name": person.name}
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    if person.role:
        data["jobTitle"] = person.translated("role")
    return data


def article_graph(page, *, clinic, home_url: str, index=None, image_url: str = "", request=None) -> dict:
    """One JSON-LD document (an @graph) describing the article page."""
    url = page.get_full_url(request=request) or ""
    clinic_node = clinic.schema_org(home_url)
    posting = {
        "@type": "BlogPosting",
        "@id": f"{url}#article",
        "headline": page.title[:110],
        "description": page.description,
        "url": url,
        "mainEntityOfPage": {"@id": f"{url}#webpage"},
        "datePublished": page.date.isoformat(),
        "inLanguage": content_language(),
        "publisher": {"@id": clinic_node["@id"]},
        "wordCount": page.word_count,
    }
    if page.last_published_at:
        posting["dateModified"] = page.last_published_at.isoformat()
    if page.author:
        posting["author"] = _person(page.author)
    if image_url:
        posting["image"] = image_url
    if page.sorted_categories:
        posting["articleSection"] = [area.translated("name") for area in page.sorted_categories]
    webpage = {
        "@type": "WebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": page.seo_title or page.title,
        "inLanguage": content_language(),
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
    }
    if page.reviewed_by and page.last_reviewed:
        webpage["@type"] = "MedicalWebPage"
        webpage["reviewedBy"] = _person(page.reviewed_by)
        webpage["lastReviewed"] = page.last_reviewed.isoformat()
    crumbs = [(gettext("Home"), absolute_url(reverse("wagtail_serve", args=("",)), request))]
    if index is not None:
        crumbs.append((index.title, index.get_full_url(request=request) or ""))
    crumbs.append((page.title, url))
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": item}
            for position, (name, item) in enumerate(crumbs, start=1)
        ],
    }
    graph = [posting, webpage, breadcrumbs, clinic_node]
    questions = [item for block in page.body if block.block_type == "faq" for item in block.value["items"]]
    if questions:
        graph.append(
            {
                "@type": "FAQPage",
                "@id": f"{url}#faq",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": item["question"],
                        "acceptedAnswer": {
                            "@type": "Answer",
                            "text": strip_tags(item["answer"].source).strip(),
                        },
                    }
                    for item in questions
                ],
            }
        )
    return {"@context": "https://schema.org", "@graph": graph}
