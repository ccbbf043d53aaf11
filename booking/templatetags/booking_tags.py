"""Visit times in templates, in the clinic's time zone."""

from django import template

from booking import formatting

register = template.Library()


@register.filter
def visit_time(moment) -> str:
    return formatting.visit_time(moment)


@register.filter
def clock(moment) -> str:
    return formatting.clock(moment) if moment else ""
