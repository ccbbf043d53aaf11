"""The source report's arithmetic: the bar chart's geometry and the no-show rate, pure
functions of the report's rows."""

from dataclasses import dataclass

BAR_HEIGHT = 28  # viewBox units per bar, gap included
BAR_MAX_WIDTH = 60  # viewBox units of the longest bar (the chart is 100 wide)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: float
    y: int
    # Who came, over all months: patients seen, and the share of no-shows (None: no outcome yet).
    seen: int = 0
    no_show_rate: float | None = None


def no_show_rate(*, seen: int, no_shows: int, late_cancels: int = 0) -> float | None:
    """No-shows among the visits whose outcome the front desk marked (attended, no-show, late
    cancel), from 0 to 1; None before any is marked. Open and cancelled requests do not count:
    nobody was expected, or nobody knows yet."""
    marked = seen + no_shows + late_cancels
    return no_shows / marked if marked else None


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int


def source_chart(rows: list[dict], *, top: int = 10) -> Chart:
    """The `top` sources by requests over all months, longest bar first, scaled to the biggest."""
    totals: dict[str, int] = {}
    outcomes: dict[str, dict[str, int]] = {}
    for row in rows:
        totals[row["source"]] = totals.get(row["source"], 0) + row["requests"]
        counts = outcomes.setdefault(row["source"], {"seen": 0, "no_shows": 0, "late_cancels": 0})
        for key in counts:
            counts[key] += row.get(key, 0)
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:top]
    biggest = max((n for _, n in ranked), default=1)
    bars = [
        Bar(
            label=label,
            count=n,
            width=round(BAR_MAX_WIDTH * n / biggest, 1),
            y=i * BAR_HEIGHT,
            seen=outcomes[label]["seen"],
            no_show_rate=no_show_rate(**outcomes[label]),
        )
        for i, (label, n) in enumerate(ranked)
    ]
    return Chart(bars=bars, height=max(len(ranked), 1) * BAR_HEIGHT)
