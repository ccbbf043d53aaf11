"""Pure article helpers: reading time, table of contents, review dates, video URLs."""

from datetime import date
from types import SimpleNamespace

import pytest

from blog.embeds import video_embed_src
from blog.reading import (
    TocEntry,
    midpoint_offer_position,
    reading_minutes,
    review_due_date,
    table_of_contents,
    toc_tree,
    unique_anchors,
)
from clinic.blocks import HeadingBlock


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 1), (1, 1), (225, 1), (226, 2), (450, 2), (451, 3), (2250, 10)],
)
def test_reading_time_is_words_over_225_rounded_up_and_at_least_one_minute(words, minutes):
    assert reading_minutes(" ".join(["stride"] * words)) == minutes


def test_reading_time_counts_hyphenated_and_apostrophe_words_once():
    assert reading_minutes("don’t warm-up " * 113) == 2  # 226 words
    assert reading_minutes("— … ! " * 1000) == 1  # punctuation is not words


def heading(text, level):
    block = HeadingBlock()
    return SimpleNamespace(block_type="heading", value=block.to_python({"text": text, "level": level}))


def test_table_of_contents_lists_headings_in_order_with_levels_and_anchors():
    blocks = [
        heading("Why hip pain is common", "h2"),
        SimpleNamespace(block_type="paragraph", value="<p>Text</p>"),
        heading("1. Strengthen your hips", "h3"),
        heading("When to seek help", "h2"),
    ]
    assert table_of_contents(blocks) == [
        (2, "Why hip pain is common", "why-hip-pain-is-common"),
        (3, "1. Strengthen your hips", "1-strengthen-your-hips"),
        (2, "When to seek help", "when-to-seek-help"),
    ]


def test_table_of_contents_of_a_body_without_headings_is_empty():
    assert table_of_contents([SimpleNamespace(block_type="paragraph", value="<p>x</p>")]) == []


def test_review_is_due_interval_months_after_the_last_review():
    assert review_due_date(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert review_due_date(date(2025, 11, 26), 12) == date(2026, 11, 26)
    assert review_due_date(None, 12) is None


@pytest.mark.parametrize(
    ("url", "src"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?t=3", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://example.com/watch?v=dQw4w9WgXcQ", ""),
        ("javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ", ""),
        ('https://www.youtube.com/watch?v="><script>', ""),
        ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", ""),
        ("", ""),
    ],
)
def test_video_embed_src_accepts_only_youtube_and_vimeo_video_ids(url, src):
    assert video_embed_src(url) == src


def test_toc_tree_nests_sub_sections_under_the_section_before_them():
    intro, why, tip1, tip2, end = (
        TocEntry(3, "Before any section", "a"),
        TocEntry(2, "Why", "b"),
        TocEntry(3, "Tip 1", "c"),
        TocEntry(3, "Tip 2", "d"),
        TocEntry(2, "End", "e"),
    )
    tree = toc_tree([intro, why, tip1, tip2, end])
    assert [(section.entry, section.children) for section in tree] == [
        (intro, []),
        (why, [tip1, tip2]),
        (end, []),
    ]


def test_unique_anchors_number_repeats():
    assert unique_anchors(["tips", "why", "tips", "tips", "tips-2"]) == [
        "tips",
        "why",
        "tips-2",
        "tips-3",
        "tips-2-2",
    ]


def body(*kinds_and_words):
    return list(kinds_and_words)


def test_midpoint_offer_goes_before_the_section_nearest_the_middle_of_the_words():
    blocks = body(("p", 100), ("h2", 5), ("p", 300), ("h2", 5), ("p", 300), ("h2", 5), ("p", 300))
    assert midpoint_offer_position(blocks) == 3


def test_short_articles_have_no_midpoint_offer():
    assert midpoint_offer_position(body(("h2", 5), ("p", 200), ("h2", 5), ("p", 200))) is None


def test_an_editors_own_call_to_action_before_the_end_replaces_the_midpoint_offer():
    blocks = body(("h2", 5), ("p", 400), ("cta", 20), ("h2", 5), ("p", 400))
    assert midpoint_offer_position(blocks) is None


def test_a_closing_call_to_action_keeps_the_midpoint_offer():
    blocks = body(("h2", 5), ("p", 400), ("h2", 5), ("p", 400), ("cta", 20))
    assert midpoint_offer_position(blocks) == 2


def test_no_midpoint_offer_without_a_section_start_in_the_middle_half():
    assert midpoint_offer_position(body(("h2", 5), ("p", 900), ("h2", 5), ("p", 10))) is None
