"""Visit times and days in templates, in the clinic's time zone and the active language."""

from django import template

from booking import formatting
from booking.admin.reports import no_show_rate

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


@register.filter
def percent(rate) -> str:
    """A share from 0 to 1 as '25%'; '—' for none (no outcome marked yet)."""
    return "—" if rate is None else f"{round(rate * 100)}%"


@register.filter
def row_no_show_rate(row: dict) -> float | None:
    """The no-show rate of one row of the source report."""
    return no_show_rate(seen=row["seen"], no_shows=row["no_shows"], late_cancels=row["late_cancels"])
