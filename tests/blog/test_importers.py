import os
import subprocess
import sys
from pathlib import Path

import pytest

from blog.importers import (
    MAX_LINE_CHARS,
    MAX_SOURCE_BYTES,
    ArticleFormatError,
    ParsedBlock,
    parse_article,
    with_booking_link,
)
from tests.blog.article_text import article_text_items, source_text_items

REPO = Path(__file__).resolve().parents[2]
# The demo copy inside the project wins; CI keeps the shared originals beside the clone.
GUIDE_PATHS = (
    REPO / "blog/demo/hip-pain-in-runners.txt",
    REPO.parent / "shared/content/hip-pain-in-runners.txt",
)


@pytest.fixture(scope="module")
def guide_text() -> str:
    for path in GUIDE_PATHS:
        if path.exists():
            return path.read_text(encoding="utf-8")
    pytest.fail(f"hip-pain-in-runners.txt not found in {[str(path) for path in GUIDE_PATHS]}")


@pytest.fixture(scope="module")
def guide(guide_text):
    return parse_article(guide_text)


def headings(article, level):
    return [
        block.value["text"]
        for block in article.blocks
        if block.kind == "heading" and block.value["level"] == level
    ]


def lists(article):
    return [block.value for block in article.blocks if block.kind == "list"]


# The hip-pain guide, as exported from the clinic's old site


def test_guide_title_is_first_line_after_call_banner(guide):
    assert guide.title == "Hip Pain in Runners: Causes, Prevention, and Recovery Tips"


def test_guide_call_banner_is_skipped(guide):
    banner = "Speak To The #1 Running Injury Expert In Davie Call - (954) 519-5404"
    assert guide.skipped[0] == banner
    assert not any("Running Injury Expert In Davie" in item for item in article_text_items(guide))


def test_guide_category_label_under_title_is_skipped(guide):
    assert guide.skipped[1] == "Hip Pain"
    assert guide.blocks[0].kind == "paragraph"


def test_guide_more_free_resources_section_is_skipped(guide):
    assert [line.split(" – ")[0] for line in guide.skipped[2:]] == [
        "More Free Resources:",
        "Read our blog",
        "See what others are saying",
        "Check out our clinic",
    ]
    assert guide.skipped[-1].endswith("Expert Care at Ageless Agility")
    assert not any("Google Reviews" in item for item in article_text_items(guide))


def test_guide_intro_is_first_paragraph_block(guide):
    assert guide.intro.startswith("For many runners, few things feel as frustrating")
    assert guide.blocks[0] == ParsedBlock("paragraph", {"text": guide.intro})


def test_guide_section_titles_become_h2_headings(guide):
    assert headings(guide, 2) == [
        "Why Hip Pain Is So Common in Runners",
        "How Hip Pain Affects Your Running Performance",
        "Preventing Hip Pain in Runners",
        "Recovery Tips for Hip Pain in Runners",
        "When to Seek Help for Hip Pain",
        "How Physical Therapy Helps with Hip Pain",
        "Conclusion: Take the Next Step Toward Pain-Free Running",
    ]


def test_guide_numbered_subsections_become_h3_headings_keeping_their_number(guide):
    assert headings(guide, 3) == [
        "1. Strengthen Your Hips and Core",
        "2. Stretch and Mobilize Regularly",
        "3. Gradually Build Mileage",
        "4. Invest in Proper Footwear",
        "5. Prioritize Recovery",
        "1. Rest and Modify Workouts",
        "2. Ice and Gentle Mobility",
        "3. Strength Training for Long-Term Relief",
        "4. Seek Professional Guidance",
    ]


def test_guide_bullet_runs_become_one_unordered_list_each(guide):
    assert [len(value["items"]) for value in lists(guide)] == [5, 3, 4, 3, 4, 4]
    assert not any(value["ordered"] for value in lists(guide))


def test_guide_first_list_items_keep_their_text_without_bullet(guide):
    items = lists(guide)[0]["items"]
    assert items[0] == (
        "Overuse injuries: Increasing mileage too quickly or skipping recovery days can "
        "overload hip muscles and tendons."
    )
    assert items[-1].startswith("Underlying injuries: Conditions like labral tears")


def test_guide_closing_call_paragraph_becomes_call_to_action(guide):
    assert guide.blocks[-1] == ParsedBlock(
        "call_to_action",
        {
            "text": "Call (954) 519-5404 or click here to book a Free Discovery Visit today and "
            "let’s work together to keep you running strong, healthy, and pain-free."
        },
    )
    assert [block.kind for block in guide.blocks].count("call_to_action") == 1


def test_guide_keeps_every_source_line_once_in_order(guide, guide_text):
    assert article_text_items(guide) == source_text_items(guide_text)


def test_guide_keeps_curly_quotes_and_dashes(guide):
    text = "Follow the “10% rule”—don’t increase weekly mileage"
    assert any(text in item for item in article_text_items(guide))


# Markdown and other hand-written input


def test_markdown_hash_title_and_headings_are_recognised():
    article = parse_article("# My Title\n\n## Section\n\nText.\n\n### Sub-section?\n\nMore text.")
    assert article.title == "My Title"
    assert article.blocks[0] == ParsedBlock("heading", {"text": "Section", "level": 2})
    assert article.blocks[2] == ParsedBlock("heading", {"text": "Sub-section?", "level": 3})


def test_markdown_heading_under_title_is_not_taken_for_a_category_label():
    article = parse_article("# Title\n\n## Overview\n\nText.")
    assert article.blocks[0] == ParsedBlock("heading", {"text": "Overview", "level": 2})
    assert article.skipped == ()


def test_short_line_under_title_that_starts_a_paragraph_is_not_a_category_label():
    article = parse_article("Title\nA paragraph wrapped\nover two lines.")
    assert (article.intro, article.skipped) == ("A paragraph wrapped over two lines.", ())


def test_markdown_deeper_headings_are_capped_at_h3_and_h1_becomes_h2():
    article = parse_article("# Title\n\nText.\n\n#### Deep\n\n# Again")
    assert [block.value for block in article.blocks[1:]] == [
        {"text": "Deep", "level": 3},
        {"text": "Again", "level": 2},
    ]


def test_dash_and_star_items_form_one_list_even_after_text_in_the_same_chunk():
    article = parse_article("Title\n\nYou need:\n- shoes\n* socks\n+ water")
    assert article.blocks == (
        ParsedBlock("paragraph", {"text": "You need:"}),
        ParsedBlock("list", {"items": ["shoes", "socks", "water"], "ordered": False}),
    )


def test_consecutive_numbered_lines_form_an_ordered_list():
    article = parse_article("Title\n\nSteps:\n\n1. Warm up\n2. Run easy\n3. Stretch after.")
    assert article.blocks[1] == ParsedBlock(
        "list", {"items": ["Warm up", "Run easy", "Stretch after."], "ordered": True}
    )


def test_lone_numbered_sentence_stays_a_paragraph_with_its_number():
    line = "1. Rest for a week before running again."
    article = parse_article(f"Title\n\nIntro.\n\n{line}")
    assert article.blocks[1] == ParsedBlock("paragraph", {"text": line})


def test_wrapped_paragraph_lines_are_joined_with_single_spaces():
    article = parse_article("Title\n\nA paragraph wrapped\n   over   two lines.\n")
    assert article.intro == "A paragraph wrapped over two lines."


def test_indented_line_under_list_item_continues_that_item():
    article = parse_article("Title\n\nText.\n\n- a long item\n  wrapped here\n- next")
    assert article.blocks[1].value["items"] == ["a long item wrapped here", "next"]


def test_short_line_ending_in_punctuation_is_a_paragraph_not_a_heading():
    article = parse_article("Title\n\nIntro.\n\nThe good news?\n\nIt ends:")
    assert [block.kind for block in article.blocks] == ["paragraph"] * 3


def test_hyphenated_word_or_bold_marker_at_line_start_is_not_a_list_item():
    article = parse_article("Title\n\n-5°C mornings are hard on hips.\n\n**Warm up** first.")
    assert [block.kind for block in article.blocks] == ["paragraph", "paragraph"]


def test_markdown_rule_is_dropped_without_text_loss():
    source = "Title\n\nOne.\n\n---\n\nTwo."
    assert article_text_items(parse_article(source)) == ["One.", "Two."]
    assert source_text_items(source) == ["One.", "Two."]


def test_crlf_line_endings_and_byte_order_mark_are_accepted():
    article = parse_article("\ufeffTitle\r\n\r\nHip Pain\r\n\r\nText.\r\n")
    assert (article.title, article.skipped, article.intro) == ("Title", ("Hip Pain",), "Text.")


# Malformed input


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param(" \n\n\t\n", "empty", id="blank"),
        pytest.param("Title\n\nText\x00more.", "NUL byte", id="nul-byte"),
        pytest.param("Title\n\nText\x1b[31m.", "binary", id="control-character"),
        pytest.param("Title\n\n" + "a.\n" * MAX_SOURCE_BYTES, "over 1 MB", id="too-large"),
        pytest.param("Title\n\n" + "a" * (MAX_LINE_CHARS + 1), "Line 3 is", id="long-line"),
        pytest.param("Call (954) 519-5404 today\n\n", "No title", id="banner-only"),
        pytest.param("- an item\n\nText.", "No title", id="starts-with-list"),
        pytest.param("#\n\nText.", "No title", id="empty-markdown-title"),
        pytest.param("x" * 300 + "\n\nText.", "No title", id="paragraph-first"),
        pytest.param("Title", "No body paragraphs", id="title-only"),
        pytest.param("Title\n\nSection\n\n- a\n- b", "No body paragraphs", id="no-paragraph"),
    ],
)
def test_malformed_input_raises_article_format_error_saying_why(source, message):
    with pytest.raises(ArticleFormatError, match=message):
        parse_article(source)


def test_article_format_error_is_a_value_error():
    assert issubclass(ArticleFormatError, ValueError)


# Hostile input


def test_script_tag_stays_literal_text_in_paragraph():
    text = "Before <script>alert(1)</script> after."
    article = parse_article(f"Title\n\n{text}")
    assert article.blocks == (ParsedBlock("paragraph", {"text": text}),)


def test_javascript_link_stays_literal_text():
    line = "<a href='javascript:alert(1)'>Book now</a>"
    article = parse_article(f"Title\n\nIntro.\n\n- {line}\n\nSee {line} here.")
    assert article.blocks[1].value["items"] == [line]
    assert article.blocks[2].value["text"] == f"See {line} here."


def test_module_imports_without_django_settings():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    check = "import sys, blog.importers; assert 'django.conf' not in sys.modules"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", check], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_click_here_to_book_is_marked_to_link_to_the_booking_page():
    text = "Call {phone} or click here to book a Free Discovery Visit today and let's work together."
    assert with_booking_link(text) == (
        "Call {phone} or [click here to book a Free Discovery Visit] today and let's work together."
    )


def test_text_without_click_here_to_book_is_unchanged():
    assert with_booking_link("Book a visit: call {phone}.") == "Book a visit: call {phone}."
