"""The reading level editors see: textstat's Flesch-Kincaid grade (Fernandez Huerta for Spanish),
the 6th-8th grade target, and the hardest sentences named."""

from pathlib import Path

import pytest

from blog.importers import parse_article
from blog.readability import body_text_units, language_of, level_label, reading_level
from blog.services import stream_blocks_from_parsed

EASY = [
    "Hip pain is common in runners.",
    "It often starts when you run more than usual.",
    "Rest for a few days. Then start with short, slow runs.",
]
HARD = [
    "Musculoskeletal dysfunction of the iliopsoas complex frequently manifests as anterior hip "
    "discomfort, particularly following substantial increases in cumulative training volume.",
    "Comprehensive rehabilitation incorporates progressive neuromuscular strengthening, "
    "individualized biomechanical assessment and graduated reintroduction of plyometric loading.",
]


def test_plain_english_is_on_target():
    level = reading_level(EASY)
    assert level.score <= 8
    assert level.on_target
    assert level.formula == "Flesch–Kincaid grade"
    assert level.hardest == ()


def test_clinical_english_is_above_target_and_its_hardest_sentences_are_named():
    level = reading_level(EASY + HARD)
    assert level.score > 8
    assert not level.on_target
    assert {sentence.text for sentence in level.hardest} == set(HARD)
    assert all(sentence.score > 8 for sentence in level.hardest)
    assert level.label == f"grade {level.score:.1f}"


def test_hardest_sentences_come_hardest_first_and_at_most_three():
    level = reading_level(HARD * 3 + EASY)
    scores = [sentence.score for sentence in level.hardest]
    assert len(scores) == 3
    assert scores == sorted(scores, reverse=True)


def test_spanish_uses_fernandez_huerta_where_higher_is_easier():
    easy = reading_level(
        ["La cadera duele al correr.", "Descansa dos días y luego corre despacio."], language="es"
    )
    hard = reading_level(
        [
            "La disfunción musculoesquelética del complejo iliopsoas frecuentemente se manifiesta como "
            "molestia anterior de cadera, particularmente tras incrementos sustanciales del volumen."
        ],
        language="es",
    )
    assert easy.formula == "Fernández Huerta"
    assert easy.score > hard.score
    assert easy.on_target
    assert not hard.on_target
    assert "(" in easy.label  # the score with its grade band: "85 (5th grade)"


@pytest.mark.parametrize(
    ("code", "language"), [("en", "en"), ("en-us", "en"), ("es", "es"), ("es-MX", "es"), ("fr", None)]
)
def test_language_comes_from_the_locale_code(code, language):
    assert language_of(code) == language


def test_no_words_no_level_and_no_formula_no_level():
    assert reading_level([]) is None
    assert reading_level(["   "]) is None
    assert reading_level(EASY, language="fr") is None


@pytest.mark.parametrize(("score", "band"), [(95, "4th grade"), (65, "7th–8th grade"), (20, "university")])
def test_fernandez_huerta_bands(score, band):
    assert band in level_label(score, "es")


def test_body_units_are_the_prose_not_the_headings_or_captions():
    raw = [
        {"type": "heading", "value": {"text": "Why it hurts", "level": "h2"}},
        {"type": "paragraph", "value": "<p>First paragraph.</p><ul><li>Clamshells</li><li>Bridges</li></ul>"},
        {"type": "image", "value": {"image": 1, "caption": "A runner stretching"}},
        {"type": "quote", "value": {"quote": "I ran pain-free.", "attribution": "A patient"}},
        {"type": "callout", "value": {"kind": "tip", "title": "Tip", "body": "<p>Warm up first.</p>"}},
        {"type": "call_to_action", "value": {"heading": "Book", "text": "Call {phone} or [book online]."}},
        {
            "type": "faq",
            "value": {
                "heading": "FAQ",
                "items": [
                    {"type": "item", "value": {"question": "Can I run?", "answer": "<p>Yes, slowly.</p>"}}
                ],
            },
        },
        {"type": "video", "value": {"video": "https://youtu.be/x", "title": "Stretches"}},
    ]
    assert body_text_units(raw) == [
        "First paragraph.",
        "Clamshells",
        "Bridges",
        "I ran pain-free.",
        "Warm up first.",
        "Call  or book online.",
        "Can I run?",
        "Yes, slowly.",
    ]


def test_the_hip_pain_guide_reads_above_the_target():
    """The demo's guide as published on the clinic's site, unchanged: its real score."""
    text = (Path(__file__).parents[2] / "blog" / "demo" / "hip-pain-in-runners.txt").read_text()
    raw = [{"type": kind, "value": value} for kind, value in stream_blocks_from_parsed(parse_article(text))]
    level = reading_level(body_text_units(raw))
    print(f"hip-pain guide: {level.formula} {level.score} ({level.words} words, {level.sentences} sentences)")  # noqa: T201
    assert level.score == 8.8
    assert not level.on_target
    assert len(level.hardest) == 3
