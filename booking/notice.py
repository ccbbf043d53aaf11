"""The notice window: how close to its time a patient may still move or cancel a visit online.
A pure rule (no database, no request), so its edge is tested to the minute."""

from datetime import UTC, datetime, timedelta


def within_notice_window(slot_start: datetime | None, *, now: datetime, hours: int) -> bool:
    """True when the visit at `slot_start` is less than `hours` away (or already begun): changes
    are then the front desk's, by phone. `hours` 0 turns the window off; a request without a
    time has nothing to be close to."""
    if not hours or slot_start is None:
        return False
    # In UTC: Python adds to and compares two times of one zone by the wall clock, which would
    # make the window an hour longer or shorter across a DST change.
    return now.astimezone(UTC) > slot_start.astimezone(UTC) - timedelta(hours=hours)
