"""Admin presentation of articles: the reading level as the review report shows it."""

from django import template
from django.utils.translation import gettext as _

from ..readability import FORMULAS, language_of, level_label

register = template.Library()


@register.filter
def reading_level(article) -> str:
    """ "grade 8.8 (harder than grade 6–8 (8 or below))", "grade 7.1", or "—" when not measured."""
    if article.reading_score is None:
        return "—"
    language = language_of(article.locale.language_code)
    if language is None:
        return f"{article.reading_score:.1f}"
    label = level_label(article.reading_score, language)
    formula = FORMULAS[language]
    if formula.on_target(article.reading_score):
        return label
    return _("%(level)s, harder than the target: %(target)s") % {
        "level": label,
        "target": formula.target_label,
    }
