"""Visit times and days in templates, in the clinic's time zone and the active language."""

from django import template

from booking import formatting

register = template.Library()


@register.filter
def visit_time(moment) -> str:
    return formatting.visit_time(moment)


@register.filter
def clock(moment, zone="") -> str:
    """'9:00 AM'; `|clock:"zone"` names the zone too: '9:00 AM ET'."""
    return formatting.clock(moment, with_zone=zone == "zone") if moment else ""


# The picker's days, in the active language's words and order ("lunes 14 de diciembre").


@register.filter
def picker_day(day) -> str:
    return formatting.picker_day(day) if day else ""


@register.filter
def picker_day_button(day) -> str:
    return formatting.picker_day_button(day) if day else ""


@register.filter
def picker_weekday(day) -> str:
    return formatting.picker_weekday(day) if day else ""


@register.filter
def picker_later(day) -> str:
    return formatting.picker_later(day) if day else ""
