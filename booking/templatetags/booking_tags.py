"""Visit times in templates, in the clinic's time zone."""

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


@register.filter
def percent(rate) -> str:
    """A share from 0 to 1 as '25%'; '—' for none (no outcome marked yet)."""
    return "—" if rate is None else f"{round(rate * 100)}%"


@register.filter
def row_no_show_rate(row: dict) -> float | None:
    """The no-show rate of one row of the source report."""
    return no_show_rate(seen=row["seen"], no_shows=row["no_shows"], late_cancels=row["late_cancels"])
