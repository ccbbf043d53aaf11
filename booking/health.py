"""Booking's part of /healthz (found by clinic/health.py): calendar sync."""

from .calendars.selectors import health


def checks() -> dict:
    return {"calendar_sync": health()}
