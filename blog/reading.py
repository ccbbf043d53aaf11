"""Pure helpers for reading an article: reading time, table of contents, medical review dates."""

import math
import re
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

WORDS_PER_MINUTE = 225
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def reading_minutes(text: str, *, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Minutes an adult needs to read `text` at `words_per_minute`, rounded up; never less than 1."""
    return minutes_to_read(word_count(text), words_per_minute=words_per_minute)


def minutes_to_read(words: int, *, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Minutes an adult needs to read `words` words, rounded up; never less than 1."""
    return max(1, math.ceil(words / words_per_minute))


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


# Articles shorter than this are read to the end, where the booking panel is; longer ones offer
# booking once in the middle too (a 1,500-word guide is ten phone screens).
MIDPOINT_OFFER_MIN_WORDS = 600


def midpoint_offer_position(blocks: list[tuple[str, int]]) -> int | None:
    """Where a long article offers booking mid-way: the index of the section heading ("h2") that
    starts nearest the middle of its words, within the middle half. None for short articles and
    for those whose editor placed a call to action ("cta") before the end already.

    `blocks` is the body as (kind, words) pairs, kind "h2", "cta" or anything else."""
    total = sum(words for _, words in blocks)
    if total < MIDPOINT_OFFER_MIN_WORDS or any(kind == "cta" for kind, _ in blocks[:-1]):
        return None
    best, best_distance, before = None, total, 0
    for index, (kind, words) in enumerate(blocks):
        if kind == "h2" and total / 4 <= before <= total * 3 / 4 and abs(before - total / 2) < best_distance:
            best, best_distance = index, abs(before - total / 2)
        before += words
    return best


class TocEntry(NamedTuple):
    level: int
    text: str
    anchor: str


def table_of_contents(blocks: Iterable) -> list[TocEntry]:
    """The heading blocks of a body as (level, text, anchor), in page order.

    `blocks` is a StreamValue or any iterable of objects with `block_type` and `value`, where a
    heading's value has `text`, `level` ("h2"/"h3") and `anchor`."""
    entries = []
    for block in blocks:
        if block.block_type != "heading":
            continue
        value = block.value
        level = 3 if value.get("level") == "h3" else 2
        entries.append(TocEntry(level, value.get("text", ""), value.anchor))
    return entries


def unique_anchors(anchors: Iterable[str]) -> list[str]:
    """The anchors with repeats numbered ('tips', 'tips-2'), so every heading id is unique."""
    seen: set[str] = set()
    result = []
    for anchor in anchors:
        candidate, number = anchor, 1
        while candidate in seen:
            number += 1
            candidate = f"{anchor}-{number}"
        seen.add(candidate)
        result.append(candidate)
    return result


class TocSection(NamedTuple):
    entry: TocEntry
    children: list[TocEntry]


def toc_tree(entries: list[TocEntry]) -> list[TocSection]:
    """Sub-section headings (h3) nested under the section (h2) before them, for a nested list.
    An h3 before any h2 becomes a section of its own rather than being dropped."""
    sections: list[TocSection] = []
    for entry in entries:
        if entry.level == 3 and sections:
            sections[-1].children.append(entry)
        else:
            sections.append(TocSection(entry, []))
    return sections


def review_due_date(last_reviewed: date | None, every_months: int) -> date | None:
    """When the next medical review is due; None when the article was never reviewed."""
    if last_reviewed is None:
        return None
    return last_reviewed + relativedelta(months=every_months)
