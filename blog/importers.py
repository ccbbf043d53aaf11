"""Parse a plain-text or Markdown article into a title, an intro and body blocks as plain data.

`manage.py import_article` maps the result to StreamField blocks; nothing here touches Django.
"""

import re
from dataclasses import dataclass
from itertools import groupby

MAX_SOURCE_BYTES = 1024 * 1024
MAX_LINE_CHARS = 10_000
MAX_TITLE_CHARS = 255  # Wagtail's Page.title max_length
MAX_HEADING_CHARS = 90

PHONE_PLACEHOLDER = "{phone}"
# "click here to book a Free Discovery Visit": words that only make sense as a link.
_CLICK_TO_BOOK = re.compile(
    r"\b(?:click|tap) here to (?:book|schedule)(?: (?:a|an|your))?(?: free)?(?: discovery)?"
    r"(?: (?:visit|appointment|consultation|session))?",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}")
_CALL = re.compile(r"\bcall\b", re.IGNORECASE)
_BOOK = re.compile(r"\bbook", re.IGNORECASE)
_ATX_HEADING = re.compile(r"(#{1,6})(?:\s+(.*?))?(?:\s+#+)?")
# "-", "*" and "+" need a space after them so "-5°C" or "**bold**" stay text.
_BULLET = re.compile(r"(?:[•‣◦▪●]|[-*+](?=\s))\s*(.*)")
_NUMBERED = re.compile(r"\d+\.\s+(\S.*)")
_THEMATIC_BREAK = re.compile(r"([-*_])(?:\s*\1){2,}")
_RESOURCES = re.compile(r"(?:#+\s+)?more free resources:?", re.IGNORECASE)
_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_CATEGORY_LABEL = re.compile(rf"{_WORD}(?: (?:&|{_WORD})){{0,3}}")
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_FINAL_PUNCTUATION = ".!?:;,…"
_CLOSING_MARKS = "\"'”’)]»"


class ArticleFormatError(ValueError):
    """The source text cannot be imported as an article; the message says why."""


@dataclass(frozen=True)
class ParsedBlock:
    kind: str  # "heading" | "paragraph" | "list" | "call_to_action"
    value: dict


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    intro: str
    blocks: tuple[ParsedBlock, ...]
    skipped: tuple[str, ...]


def parse_article(text: str) -> ParsedArticle:
    """Read an exported clinic article (or simple Markdown) into blocks, dropping site chrome.

    Text values are plain text, kept verbatim apart from whitespace: HTML in the source stays
    literal text for the caller to escape.
    """
    title_line, body, skipped = _split_chrome(_checked_lines(text))
    title = _title(title_line)
    blocks = _body_blocks(body)
    paragraphs = [block.value["text"] for block in blocks if block.kind == "paragraph"]
    if not paragraphs:
        raise ArticleFormatError(
            f"No body paragraphs found after the title {title!r}: an article needs at least one "
            "paragraph of text (its first paragraph becomes the intro)."
        )
    return ParsedArticle(
        title=title,
        intro=paragraphs[0],
        blocks=tuple(blocks),
        skipped=tuple(skipped),
    )


def with_phone_placeholder(text: str) -> str:
    """`text` with each phone number replaced by {phone}, which pages fill with the clinic's number."""
    return _squash(_PHONE.sub(PHONE_PLACEHOLDER, text))


def with_booking_link(text: str) -> str:
    """`text` with "click here to book ..." in [brackets]: a call to action links those words to the
    booking page (clinic_tags.call_to_action_text), wherever that page is in the page tree."""
    return _CLICK_TO_BOOK.sub(lambda match: f"[{match.group()}]", text, count=1)


def _checked_lines(text: str) -> list[str]:
    if not isinstance(text, str):
        raise TypeError(f"parse_article() expects str, not {type(text).__name__}")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        raise ArticleFormatError(
            f"The file is {size:,} bytes; articles over 1 MB ({MAX_SOURCE_BYTES:,} bytes) "
            "are not imported. Is this the right file?"
        )
    if not text.strip():
        raise ArticleFormatError("The file is empty: there is no article to import.")
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if match := _CONTROL_CHARACTER.search(line):
            what = "a NUL byte" if match.group() == "\x00" else "a control character"
            raise ArticleFormatError(
                f"Line {number} contains {what}: this looks like a binary file, not a text article."
            )
        if len(line) > MAX_LINE_CHARS:
            raise ArticleFormatError(
                f"Line {number} is {len(line):,} characters long; the limit is "
                f"{MAX_LINE_CHARS:,}. Is this the right file?"
            )
    return lines


def _split_chrome(lines: list[str]) -> tuple[str, list[str], list[str]]:
    """Return the title line, the body lines and the site-chrome lines around them."""
    skipped = []
    index = _next_non_blank(lines, 0)
    # Exports start with the site's call banner, which is page furniture, not the article.
    while index < len(lines) and _is_call_banner(lines[index]):
        skipped.append(_squash(lines[index]))
        index = _next_non_blank(lines, index + 1)
    if index == len(lines):
        raise ArticleFormatError("No title found: the file holds only a call banner.")
    title_line = lines[index]
    index = _next_non_blank(lines, index + 1)
    # The old site printed the article's category on its own line under the title.
    label = _squash(lines[index]) if index < len(lines) else ""
    stands_alone = index + 1 >= len(lines) or not lines[index + 1].strip()
    if stands_alone and _CATEGORY_LABEL.fullmatch(label):
        skipped.append(label)
        index += 1
    body = lines[index:]
    for position, line in enumerate(body):
        if _RESOURCES.fullmatch(_squash(line)):
            skipped.extend(_squash(rest) for rest in body[position:] if rest.strip())
            body = body[:position]
            break
    return title_line, body, skipped


def _title(line: str) -> str:
    title = _squash(line)
    if _BULLET.fullmatch(title):
        raise ArticleFormatError(
            f"No title found: the first line is a list item ({title[:60]!r}). "
            "Put the article's title on the first line."
        )
    if heading := _ATX_HEADING.fullmatch(title):
        title = heading.group(2) or ""
    if not title:
        raise ArticleFormatError("No title found: the first line has a heading marker but no text.")
    if len(title) > MAX_TITLE_CHARS:
        raise ArticleFormatError(
            f"No title found: the first line is {len(title):,} characters long, more than a title "
            f"may be ({MAX_TITLE_CHARS}). Put the article's title on the first line."
        )
    return title


def _body_blocks(lines: list[str]) -> list[ParsedBlock]:
    blocks: list[ParsedBlock] = []
    for blank, chunk in groupby(lines, key=lambda line: not line.strip()):
        if blank:
            continue
        for kind, group in groupby(_tokens(list(chunk)), key=lambda token: token[0]):
            tokens = list(group)
            if kind == "break":
                continue  # a Markdown rule ("---") carries no text
            if kind == "atx":
                blocks.extend(_heading(text, level) for _, text, level in tokens if text)
            else:
                blocks.extend(_run_blocks(kind, [text for _, text, _ in tokens]))
    return blocks


def _tokens(chunk: list[str]) -> list[tuple[str, str, int]]:
    """Classify each line of a blank-line-separated chunk as (kind, text, heading level)."""
    tokens: list[tuple[str, str, int]] = []
    for line in chunk:
        # Squashing first also keeps the patterns below from backtracking over whitespace runs.
        stripped = _squash(line)
        if _THEMATIC_BREAK.fullmatch(stripped):
            tokens.append(("break", stripped, 0))
        elif heading := _ATX_HEADING.fullmatch(stripped):
            # One h1 per page is the title, so body headings are h2 or h3 only.
            level = min(max(len(heading.group(1)), 2), 3)
            tokens.append(("atx", heading.group(2) or "", level))
        elif bullet := _BULLET.fullmatch(stripped):
            tokens.append(("bullet", bullet.group(1), 0))
        elif _NUMBERED.fullmatch(stripped):
            tokens.append(("numbered", stripped, 0))
        elif tokens and tokens[-1][0] == "bullet" and line[:1].isspace():
            # An indented line under a list item is that item wrapped (Markdown's lazy lines).
            tokens[-1] = ("bullet", f"{tokens[-1][1]} {stripped}", 0)
        else:
            tokens.append(("text", stripped, 0))
    return tokens


def _run_blocks(kind: str, texts: list[str]) -> list[ParsedBlock]:
    """Turn a run of same-kind lines into blocks."""
    if kind == "bullet":
        items = [text for text in texts if text]
        return [ParsedBlock("list", {"items": items, "ordered": False})] if items else []
    if kind == "numbered":
        if len(texts) > 1:
            items = [_NUMBERED.fullmatch(text).group(1) for text in texts]
            return [ParsedBlock("list", {"items": items, "ordered": True})]
        # A lone numbered line is a sub-section title ("1. Strengthen Your Hips and Core");
        # its number stays so nothing in the source is lost.
        if _looks_like_heading(_NUMBERED.fullmatch(texts[0]).group(1)):
            return [_heading(texts[0], 3)]
        return [_paragraph(texts[0])]
    if len(texts) == 1 and _looks_like_heading(texts[0]):
        return [_heading(texts[0], 2)]
    return [_paragraph(" ".join(texts))]


def _heading(text: str, level: int) -> ParsedBlock:
    return ParsedBlock("heading", {"text": text, "level": level})


def _paragraph(text: str) -> ParsedBlock:
    if _is_call_to_action(text):
        return ParsedBlock("call_to_action", {"text": text})
    return ParsedBlock("paragraph", {"text": text})


def _looks_like_heading(text: str) -> bool:
    bare = text.rstrip(_CLOSING_MARKS)
    return (
        len(text) <= MAX_HEADING_CHARS
        and bool(bare)
        and bare[-1] not in _FINAL_PUNCTUATION
        and any(character.isalpha() for character in text)
    )


def _is_call_to_action(text: str) -> bool:
    # "call ... phone ... book" in that order; three searches rather than one ".*" pattern keep
    # this linear on long paragraphs.
    call = _CALL.search(text)
    phone = call and _PHONE.search(text, call.end())
    return bool(phone and _BOOK.search(text, phone.end()))


def _is_call_banner(line: str) -> bool:
    return bool(_CALL.search(line) and _PHONE.search(line))


def _next_non_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _squash(text: str) -> str:
    return " ".join(text.split())
