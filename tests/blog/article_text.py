"""Test oracles for the importer: an article's text items, and the same read straight off the source.

They live here, not in `blog.importers`, because only tests use them."""

import re

from blog.importers import _THEMATIC_BREAK, ParsedArticle, _checked_lines, _split_chrome, _squash

_SOURCE_MARKER = re.compile(r"(?:#{1,6}\s+|[•‣◦▪●]\s*|[-*+]\s+)")


def article_text_items(article: ParsedArticle) -> list[str]:
    """Every heading, paragraph, list item and call-to-action text of the body, in order."""
    items = []
    for block in article.blocks:
        if block.kind == "list":
            items.extend(block.value["items"])
        else:
            items.append(block.value["text"])
    return items


def source_text_items(text: str) -> list[str]:
    """The body's text straight from the source, one item per non-blank line, markers removed.

    Deliberately ignores block structure so it can check the parser: for sources with one
    paragraph per line, like the clinic's exports, it equals `article_text_items(parse_article())`.
    It shares the importer's chrome removal (title, banner, "More free resources"), which other
    tests check on their own; what it checks is that no body line is lost, split or reordered.
    """
    _, body, _ = _split_chrome(_checked_lines(text))
    items = []
    for line in body:
        stripped = _squash(line)
        if _THEMATIC_BREAK.fullmatch(stripped):
            continue
        item = _SOURCE_MARKER.sub("", stripped, count=1).strip()
        if item:
            items.append(item)
    return items
