"""Which backups to keep: the newest of each of the last N days, ISO weeks and months (as
restic's `forget --keep-daily/--keep-weekly/--keep-monthly` counts them). Pure: no files, no clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

PERIODS: dict[str, Callable[[datetime], tuple]] = {
    "daily": lambda moment: (moment.year, moment.month, moment.day),
    "weekly": lambda moment: tuple(moment.isocalendar())[:2],
    "monthly": lambda moment: (moment.year, moment.month),
}


def backups_to_keep(moments: Iterable[datetime], *, daily: int, weekly: int, monthly: int) -> set[datetime]:
    """The moments to keep: for each kind of period, the newest backup of each of the `count`
    most recent periods that have one. A backup may count for several kinds at once."""
    newest_first = sorted(set(moments), reverse=True)
    keep: set[datetime] = set()
    for kind, count in (("daily", daily), ("weekly", weekly), ("monthly", monthly)):
        periods_seen: set[tuple] = set()
        for moment in newest_first:
            period = PERIODS[kind](moment)
            if period in periods_seen:
                continue
            if len(periods_seen) == count:
                break
            periods_seen.add(period)
            keep.add(moment)
    return keep
