"""The article body: the clinic's shared blocks plus FAQs and videos, which only articles use."""

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.text import slugify

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from clinic.blocks import PARAGRAPH_FEATURES, BaseBodyBlock

from .embeds import video_embed_src


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "help"
        label_format = "{question}"


class FAQValue(blocks.StructValue):
    @cached_property
    def anchor(self) -> str:
        return slugify(self.get("heading", "")) or "faq"


class FAQBlock(blocks.StructBlock):
    """Questions and answers; search engines get them as a schema.org FAQPage."""

    heading = blocks.CharBlock(default="Frequently asked questions", max_length=120)
    items = blocks.ListBlock(FAQItemBlock(), min_num=1, label="Questions")

    class Meta:
        icon = "help"
        template = "blocks/faq_block.html"
        value_class = FAQValue
        description = "Frequently asked questions with their answers."
        preview_value = {
            "heading": "Frequently asked questions",
            "items": [
                {
                    "question": "Should I keep running with hip pain?",
                    "answer": "<p>Ease off high-impact runs until a physical therapist has assessed it.</p>",
                }
            ],
        }


class VideoBlock(blocks.StructBlock):
    # A plain URL, not an EmbedBlock: we build the iframe ourselves (see embeds.py), so asking the
    # provider for its embed HTML on every save would only add a network call that can fail.
    video = blocks.URLBlock(help_text="A YouTube or Vimeo link, e.g. https://www.youtube.com/watch?v=…")
    title = blocks.CharBlock(
        max_length=120, help_text="What the video shows; screen readers announce it as the player's name."
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        description = "A YouTube or Vimeo video with a title for screen readers."

    def clean(self, value):
        value = super().clean(value)
        if value.get("video") and not video_embed_src(value["video"]):
            raise StructBlockValidationError(
                block_errors={"video": ValidationError("Use a YouTube or Vimeo video link.")}
            )
        return value


class ArticleBodyBlock(BaseBodyBlock):
    faq = FAQBlock()
    video = VideoBlock()
