"""Reading level of what patients read: Flesch–Kincaid grade for English, Fernández Huerta for
Spanish, computed by textstat. Pure: text (or a body's raw StreamField data) in, a ReadingLevel out.

Patient-education material is recommended at a 6th–8th grade reading level (AMA, NIH): a grade
of 8 or below is on target. Fernández Huerta is Flesch's reading ease rescaled for Spanish (0–100,
higher is easier); 60 or more reads at 7th–8th grade or easier on its own scale."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bs4 import BeautifulSoup
from textstat.backend import counts, metrics

from django.utils.translation import gettext_lazy as _

# Sentences shorter than this are left out of "hardest sentences": a three-word sentence with one
# long word scores high on any formula but is not what makes a text hard to read.
HARDEST_MIN_WORDS = 6
HARDEST_SHOWN = 3
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+")
_ENDS_A_SENTENCE = re.compile(r"[.!?…:;][\"”’)]*$")


@dataclass(frozen=True)
class Formula:
    name: str
    textstat_language: str
    compute: Callable[[str, str], float]
    # English grades go down as text gets easier; reading-ease scores go up.
    higher_is_easier: bool
    target: float
    target_label: str

    def on_target(self, score: float) -> bool:
        return score >= self.target if self.higher_is_easier else score <= self.target

    def harder_first(self, score: float) -> float:
        return -score if self.higher_is_easier else score


FORMULAS = {
    "en": Formula(
        name=_("Flesch–Kincaid grade"),
        textstat_language="en_US",
        compute=metrics.flesch_kincaid_grade,
        higher_is_easier=False,
        target=8.0,
        target_label=_("grade 6–8 (8 or below)"),
    ),
    "es": Formula(
        name=_("Fernández Huerta"),
        textstat_language="es",
        compute=metrics.fernandez_huerta,
        higher_is_easier=True,
        target=60.0,
        target_label=_("60 or more (7th–8th grade or easier)"),
    ),
}

# Fernández Huerta's own scale (as Flesch's): the lowest score of each band and what it reads like.
FERNANDEZ_HUERTA_BANDS = [
    (90, _("4th grade")),
    (80, _("5th grade")),
    (70, _("6th grade")),
    (60, _("7th–8th grade")),
    (50, _("some high school")),
    (30, _("high school to college")),
    (float("-inf"), _("university")),
]


def language_of(language_code: str) -> str | None:
    """'en-us' -> 'en'; None for languages without a formula here."""
    language = (language_code or "").split("-")[0].split("_")[0].lower()
    return language if language in FORMULAS else None


def level_label(score: float, language: str) -> str:
    """How a score reads to an editor: "grade 9.4", or Fernández Huerta's band."""
    if language == "es":
        band = next(label for lowest, label in FERNANDEZ_HUERTA_BANDS if score >= lowest)
        return f"{score:.0f} ({band})"
    return _("grade %(grade).1f") % {"grade": score}


@dataclass(frozen=True)
class HardSentence:
    text: str
    score: float


@dataclass(frozen=True)
class ReadingLevel:
    language: str
    formula: str
    score: float
    on_target: bool
    target: str
    label: str
    words: int
    sentences: int
    hardest: tuple[HardSentence, ...]


def reading_level(units: Iterable[str], *, language: str = "en") -> ReadingLevel | None:
    """The reading level of `units` (paragraphs, list items... each a sentence or more), in
    `language` ("en" or "es"). None when there is nothing to read or no formula for the language."""
    formula = FORMULAS.get(language)
    if formula is None:
        return None
    units = [_as_sentences(unit) for unit in units if unit and unit.strip()]
    text = " ".join(units)
    words = counts.count_words(text)
    if not words:
        return None
    score = round(formula.compute(text, formula.textstat_language), 1)
    return ReadingLevel(
        language=language,
        formula=str(formula.name),
        score=score,
        on_target=formula.on_target(score),
        target=str(formula.target_label),
        label=str(level_label(score, language)),
        words=words,
        sentences=counts.count_sentences(text),
        hardest=tuple(_hardest_sentences(units, formula)),
    )


def _as_sentences(unit: str) -> str:
    """A unit as sentences: a list item or heading-like line without a full stop would otherwise
    run into the next unit as one long sentence."""
    unit = " ".join(unit.split())
    return unit if _ENDS_A_SENTENCE.search(unit) else unit + "."


def _hardest_sentences(units: list[str], formula: Formula) -> list[HardSentence]:
    scored = []
    for unit in units:
        for sentence in _SENTENCE_END.split(unit):
            if counts.count_words(sentence) < HARDEST_MIN_WORDS:
                continue
            score = round(formula.compute(sentence, formula.textstat_language), 1)
            if not formula.on_target(score):
                scored.append(HardSentence(sentence, score))
    scored.sort(key=lambda sentence: formula.harder_first(sentence.score), reverse=True)
    return scored[:HARDEST_SHOWN]


def body_text_units(raw_blocks: Iterable[dict]) -> list[str]:
    """The sentences a reader reads in a body's raw StreamField data (`page.body.raw_data`, or the
    JSON a migration sees): paragraphs and list items, quotes, callouts, FAQ questions and
    answers, and calls to action. Headings, captions and video titles are labels, not prose."""
    units: list[str] = []
    for block in raw_blocks:
        kind, value = block.get("type"), block.get("value")
        if kind == "paragraph":
            units += _rich_text_units(value)
        elif kind == "quote":
            units += [line for line in (value.get("quote") or "").splitlines() if line.strip()]
        elif kind == "callout":
            units += _rich_text_units(value.get("body"))
        elif kind == "call_to_action":
            # "{phone}" stands for the clinic's number; [brackets] mark the booking link's words.
            text = (value.get("text") or "").replace("{phone}", "").replace("[", "").replace("]", "")
            units.append(text)
        elif kind == "faq":
            for item in value.get("items") or []:
                item = item.get("value", item) if "question" not in item else item
                units.append(item.get("question") or "")
                units += _rich_text_units(item.get("answer"))
    return [unit for unit in units if unit.strip()]


def _rich_text_units(html: str | None) -> list[str]:
    if not html:
        return []
    soup = BeautifulSoup(html, "html.parser")
    return [element.get_text(" ", strip=True) for element in soup.find_all(["p", "li"])]
