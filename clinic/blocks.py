"""StreamField blocks shared by every page: headings, text, images, quotes, callouts and calls to action."""

from django.utils.dates import WEEKDAYS as DAY_NAMES
from django.utils.dates import WEEKDAYS_ABBR as DAY_ABBREVIATIONS
from django.utils.functional import cached_property
from django.utils.text import slugify

from wagtail import blocks
from wagtail.images.blocks import ImageBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]

WEEKDAYS = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
]
# Monday first, as Django's translated day names (django.utils.dates) count.
WEEKDAY_CODES = [code for code, _ in WEEKDAYS]


class HeadingValue(blocks.StructValue):
    @cached_property
    def anchor(self) -> str:
        # Derived from the text, so a link to #section survives edits elsewhere on the page.
        return slugify(self.get("text", "")) or "section"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading (h2)"), ("h3", "Sub-section heading (h3)")],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        value_class = HeadingValue
        description = "A section heading; it gets an anchor and appears in the table of contents."
        preview_value = {"text": "Why hip pain is so common in runners", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        description = "Text with bold, italic, links and lists."
        preview_value = (
            "<p>Running places repetitive stress on the hips with every stride. "
            "<b>Early action</b> prevents bigger problems.</p>"
        )


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(help_text="Describe the image for people who cannot see it.")
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        description = "An image with alt text and an optional caption."


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = "A pulled-out quotation."
        preview_value = {
            "quote": "I ran my first pain-free half marathon in years.",
            "attribution": "A patient",
        }


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", "Tip"), ("warning", "When to seek help")],
        default="tip",
    )
    title = blocks.CharBlock(required=False, max_length=120)
    body = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        description = "A highlighted tip, or a warning sign that means it is time to get help."
        preview_value = {
            "kind": "warning",
            "title": "When to seek help",
            "body": "<p>Pain that lasts more than a week despite rest.</p>",
        }


class CallToActionBlock(blocks.StructBlock):
    """Invites the reader to book or call; the phone and appointment page come from the clinic settings.

    A page may put `appointment_query` (e.g. "?concern=hip") in its context: the Book button adds
    it to the appointment page's URL."""

    heading = blocks.CharBlock(default="Book a Free Discovery Visit", max_length=120)
    text = blocks.TextBlock(
        required=False,
        max_length=500,
        help_text=(
            "A sentence or two. Write {phone} where the clinic's phone number should appear and put "
            "[square brackets] around words that should link to the booking page; the buttons to "
            "book and to call are added for you."
        ),
    )
    button_label = blocks.CharBlock(default="Book a Free Discovery Visit", max_length=60)

    class Meta:
        icon = "calendar-alt"
        template = "blocks/call_to_action_block.html"
        description = "Book-a-visit and call-us buttons, using the clinic's settings."
        preview_value = {
            "heading": "Book a Free Discovery Visit",
            "text": "Let's work together to keep you running strong, healthy, and pain-free.",
            "button_label": "Book a Free Discovery Visit",
        }


class OpeningHoursValue(blocks.StructValue):
    @property
    def days_label(self) -> str:
        """'Mon–Fri', 'Mon, Wed, Fri' or 'Saturday' in the active language (Django's own day names:
        'lun–vie', 'sábado'): consecutive runs of days are joined. Not cached on the value, which
        the clinic settings keep in the shared cache for pages in every language."""
        chosen = [code for code, _ in WEEKDAYS if code in (self.get("days") or [])]
        if len(chosen) == 1:
            return str(DAY_NAMES[WEEKDAY_CODES.index(chosen[0])])
        order = [code for code, _ in WEEKDAYS]
        runs: list[list[str]] = []
        for code in chosen:
            if runs and order.index(code) == order.index(runs[-1][-1]) + 1:
                runs[-1].append(code)
            else:
                runs.append([code])
        short = {code: str(DAY_ABBREVIATIONS[number]) for number, code in enumerate(WEEKDAY_CODES)}
        return ", ".join(
            f"{short[run[0]]}–{short[run[-1]]}" if len(run) > 2 else ", ".join(short[c] for c in run)
            for run in runs
        )

    @cached_property
    def schema_days(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [labels[code] for code, _ in WEEKDAYS if code in (self.get("days") or [])]


class OpeningHoursBlock(blocks.StructBlock):
    days = blocks.MultipleChoiceBlock(choices=WEEKDAYS)
    opens = blocks.TimeBlock()
    closes = blocks.TimeBlock()

    class Meta:
        icon = "time"
        value_class = OpeningHoursValue
        label_format = "{days}: {opens}–{closes}"


class ServiceBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=400)
    page = blocks.PageChooserBlock(required=False, help_text="Optional page to read more.")

    class Meta:
        icon = "pick"
        template = "blocks/service_block.html"
        description = "One service the clinic offers, with an optional link."


class BaseBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    call_to_action = CallToActionBlock()
