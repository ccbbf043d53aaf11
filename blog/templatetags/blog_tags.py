"""Template helpers for articles: video iframes, the share image and structured data."""

import logging
from dataclasses import dataclass

from django import template

from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from blog.embeds import video_embed_src as _video_embed_src
from blog.structured_data import article_graph
from clinic.public_url import absolute_url
from clinic.templatetags.clinic_tags import json_ld

register = template.Library()
logger = logging.getLogger(__name__)

SHARE_IMAGE_SPEC = "fill-1200x630|format-jpeg"


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int
    height: int


@register.simple_tag
def video_embed_src(url: str) -> str:
    return _video_embed_src(url)


@register.simple_tag(takes_context=True)
def share_image(context, page) -> ShareImage | None:
    """The article's hero as a 1200×630 JPEG (what Open Graph and X cards expect), absolute URL."""
    if not getattr(page, "hero_image", None):
        return None
    # An article prefetches every rendition it shows in one query (BlogPage.rendering).
    getattr(page, "rendering", None)
    try:
        rendition = page.hero_image.get_rendition(SHARE_IMAGE_SPEC)
    except SourceImageIOError:
        # The original is missing from the media store (a restore without media, a lost file):
        # the article is still served, without a share image, as Wagtail's image tags show a
        # placeholder for it.
        logger.warning(
            "Image %s: original file missing, no share image for page %s", page.hero_image.pk, page.pk
        )
        return None
    request = context.get("request")
    url = absolute_url(rendition.url, request)
    return ShareImage(url=url, width=rendition.width, height=rendition.height)


@register.simple_tag(takes_context=True)
def article_json_ld(context) -> str:
    page: Page = context["page"]
    request = context.get("request")
    share = share_image(context, page)
    clinic = context["settings"]["clinic"]["ClinicSettings"]
    return json_ld(
        article_graph(
            page,
            clinic=clinic,
            home_url=absolute_url("/", request),
            index=context.get("parent_index"),
            image_url=share.url if share else "",
            request=request,
        )
    )
