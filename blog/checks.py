"""Checks on what patients will read, shown to editors while they write: search title and
description, one H1 and headings in order, meaningful alt text, descriptive link text, and the
reading level. Pure: they read a page as rendered (its HTML) and its search fields. They only
warn; nothing here stops a page from being saved, submitted or published."""

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .readability import ReadingLevel

# What search results show before cutting off (Google: about 600 px of title, ~155-160 characters
# of description on a desktop screen; fewer on phones). The title counted is the whole <title>,
# with the clinic's name after it, as search results show it.
TITLE_MAX = 60
TITLE_MIN = 20
DESCRIPTION_MAX = 160
DESCRIPTION_MIN = 50

# Link text that says nothing about where the link goes (English and Spanish), compared after
# lower-casing and dropping punctuation; any text containing "click here" is flagged too.
GENERIC_LINK_TEXT = {
    "here",
    "click",
    "click here",
    "this",
    "this link",
    "link",
    "more",
    "read more",
    "learn more",
    "more info",
    "more information",
    "this page",
    "go",
    "aquí",
    "clic aquí",
    "haga clic aquí",
    "haz clic aquí",
    "más",
    "leer más",
    "más información",
    "este enlace",
    "enlace",
}
CLICK_HERE = re.compile(r"\b(click here|clic aquí|haga clic|haz clic)\b", re.IGNORECASE)
# Alt text that is a file name, a camera's name for a photo, or only says "image".
FILE_NAME = re.compile(r"\.(avif|gif|jpe?g|png|svg|webp|heic)$|^(img|dsc|dscn|pxl|photo)[_-]?\d+|_", re.I)
GENERIC_ALT = {"image", "photo", "picture", "graphic", "img", "figure", "imagen", "foto", "fotografía"}
REDUNDANT_ALT_START = re.compile(r"^(an? )?(image|photo|picture|graphic) (of|showing)\b", re.I)


@dataclass(frozen=True)
class Check:
    """One check's outcome: `passed`, a sentence saying what was found, and the items at fault."""

    key: str
    label: str
    passed: bool
    message: str
    details: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class RenderedPage:
    """What the checks read from a rendered page: its <title> and meta description, every heading
    in <main> (level, text), and the images (alt or None) and links (text, href) of its content:
    the <article> in <main>, or all of <main> when there is no article."""

    title: str
    description: str
    headings: list[tuple[int, str]]
    images: list[tuple[str | None, str]]
    links: list[tuple[str, str]]


def read_rendered_page(html: str) -> RenderedPage:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    content = main.find("article") or main
    description = soup.find("meta", attrs={"name": "description"})
    return RenderedPage(
        title=" ".join(soup.title.get_text().split()) if soup.title else "",
        description=" ".join((description.get("content") or "").split()) if description else "",
        headings=[
            (int(heading.name[1]), " ".join(heading.get_text(" ").split()))
            for heading in main.find_all(re.compile(r"^h[1-6]$"))
        ],
        images=[(image.get("alt"), image.get("src") or "") for image in content.find_all("img")],
        links=[
            (" ".join((link.get("aria-label") or link.get_text(" ")).split()), link["href"])
            for link in content.find_all("a", href=True)
        ],
    )


def check_seo_title(seo_title: str, rendered_title: str) -> Check:
    label = _("SEO title")
    if not seo_title.strip():
        return Check(
            "seo-title",
            label,
            False,
            _(
                "No SEO title on the Promote tab: search results show the page title, “%(title)s” "
                "(%(length)d characters)."
            )
            % {"title": rendered_title, "length": len(rendered_title)},
        )
    return _length_check("seo-title", label, rendered_title, TITLE_MIN, TITLE_MAX, _("title"))


def check_meta_description(search_description: str, rendered_description: str) -> Check:
    label = _("Meta description")
    if not search_description.strip():
        return Check(
            "meta-description",
            label,
            False,
            _(
                "No meta description on the Promote tab: search engines get the intro instead, or "
                "pick words from the page themselves. Write one or two sentences that make people "
                "want to read it."
            ),
        )
    return _length_check(
        "meta-description", label, rendered_description, DESCRIPTION_MIN, DESCRIPTION_MAX, _("description")
    )


def _length_check(key: str, label: str, text: str, shortest: int, longest: int, what: str) -> Check:
    length = len(text)
    if length > longest:
        message = _(
            "The %(what)s search results show is %(length)d characters; over %(longest)d it gets "
            "cut off: “%(text)s”."
        )
    elif length < shortest:
        message = _(
            "The %(what)s search results show is only %(length)d characters; aim for %(shortest)d "
            "to %(longest)d: “%(text)s”."
        )
    else:
        message = _("%(length)d characters, within %(shortest)d to %(longest)d: “%(text)s”.")
    values = {"what": what, "length": length, "shortest": shortest, "longest": longest, "text": text}
    return Check(key, label, shortest <= length <= longest, message % values)


def check_one_h1(headings: list[tuple[int, str]]) -> Check:
    label = _("One H1")
    h1s = [text for level, text in headings if level == 1]
    if len(h1s) == 1:
        return Check(
            "one-h1", label, True, _("The page has one main heading: “%(text)s”.") % {"text": h1s[0]}
        )
    if not h1s:
        return Check("one-h1", label, False, _("The page has no main heading (H1)."))
    return Check(
        "one-h1",
        label,
        False,
        _("The page has %(count)d main headings (H1); it should have one.") % {"count": len(h1s)},
        tuple(h1s),
    )


def check_heading_order(headings: list[tuple[int, str]]) -> Check:
    label = _("Headings in order")
    skips = []
    previous = 0
    for level, text in headings:
        if level > previous + 1:
            skips.append(
                _("“%(text)s” is an H%(level)d after an H%(previous)d")
                % {"text": text, "level": level, "previous": previous}
                if previous
                else _("“%(text)s” is an H%(level)d before any H1") % {"text": text, "level": level}
            )
        previous = level
    if not skips:
        return Check("heading-order", label, True, _("No heading skips a level."))
    message = ngettext(
        "%(count)d heading skips a level: screen reader users navigate by headings.",
        "%(count)d headings skip a level: screen reader users navigate by headings.",
        len(skips),
    ) % {"count": len(skips)}
    return Check("heading-order", label, False, message, tuple(skips))


def check_image_alt(images: list[tuple[str | None, str]]) -> Check:
    label = _("Image alt text")
    problems = []
    for number, (alt, src) in enumerate(images, start=1):
        name = src.rsplit("/", 1)[-1].split("?")[0]
        text = (alt or "").strip()
        if alt is None:
            problems.append(
                _("Image %(number)d (%(name)s) has no alt text.") % {"number": number, "name": name}
            )
        elif not text:
            continue  # marked decorative: screen readers skip it
        elif FILE_NAME.search(text) or text.lower().strip(".") in GENERIC_ALT:
            problems.append(
                _("Image %(number)d: “%(alt)s” does not describe the image.")
                % {"number": number, "alt": text}
            )
        elif REDUNDANT_ALT_START.match(text):
            problems.append(
                _(
                    "Image %(number)d: “%(alt)s”: screen readers already say it is an image; "
                    "describe what it shows."
                )
                % {"number": number, "alt": text}
            )
    if not images:
        return Check("image-alt", label, True, _("No images."))
    if not problems:
        return Check(
            "image-alt",
            label,
            True,
            ngettext(
                "The image has meaningful alt text or is marked decorative.",
                "All %(count)d images have meaningful alt text or are marked decorative.",
                len(images),
            )
            % {"count": len(images)},
        )
    message = ngettext(
        "%(count)d image needs better alt text (or tick “decorative” if it adds nothing to the text).",
        "%(count)d images need better alt text (or tick “decorative” if they add nothing to the text).",
        len(problems),
    ) % {"count": len(problems)}
    return Check("image-alt", label, False, message, tuple(problems))


def check_link_text(links: list[tuple[str, str]]) -> Check:
    label = _("Descriptive links")
    problems = []
    for text, href in links:
        words = re.sub(r"[^\w\s]", "", text.lower()).strip()
        if not text:
            problems.append(_("A link to %(href)s has no text.") % {"href": href})
        elif CLICK_HERE.search(text):
            problems.append(
                _("“%(text)s”: leave out “click here” and let the link's own words say where it goes.")
                % {"text": text}
            )
        elif words in GENERIC_LINK_TEXT:
            problems.append(_("“%(text)s” does not say where the link goes.") % {"text": text})
        elif re.match(r"^(https?://|www\.)", text, re.I):
            problems.append(_("“%(text)s” is a web address; say what is there instead.") % {"text": text})
    if not problems:
        return Check("link-text", label, True, _("Every link says where it goes."))
    message = ngettext(
        "%(count)d link does not say where it goes: people who scan links (and screen readers) "
        "hear only the link text.",
        "%(count)d links do not say where they go: people who scan links (and screen readers) "
        "hear only the link text.",
        len(problems),
    ) % {"count": len(problems)}
    return Check("link-text", label, False, message, tuple(problems))


def check_reading_level(level: ReadingLevel | None) -> Check:
    label = _("Reading level")
    if level is None:
        return Check("reading-level", label, True, _("No text to measure yet."))
    values = {"formula": level.formula, "level": level.label, "target": level.target}
    if level.on_target:
        message = _("%(formula)s: %(level)s. On target: %(target)s.") % values
    else:
        message = (
            _(
                "%(formula)s: %(level)s. Patient information should read at %(target)s: use shorter "
                "sentences and everyday words. The hardest sentences:"
            )
            % values
        )
    details = tuple(
        _("%(sentence)s (%(score)s)") % {"sentence": sentence.text, "score": f"{sentence.score:.1f}"}
        for sentence in level.hardest
    )
    return Check("reading-level", label, level.on_target, message, details)


def run_checks(
    *, html: str, seo_title: str, search_description: str, reading: ReadingLevel | None
) -> list[Check]:
    """Every check, in the order the editor sees them."""
    page = read_rendered_page(html)
    return [
        check_reading_level(reading),
        check_seo_title(seo_title, page.title),
        check_meta_description(search_description, page.description),
        check_one_h1(page.headings),
        check_heading_order(page.headings),
        check_image_alt(page.images),
        check_link_text(page.links),
    ]
