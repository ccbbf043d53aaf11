"""Visit times in templates, in the clinic's time zone."""

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
