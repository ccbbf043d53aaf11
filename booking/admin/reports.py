"""The geometry of the source report's bar chart: a pure function of the report's rows."""

from dataclasses import dataclass

BAR_HEIGHT = 28  # viewBox units per bar, gap included
BAR_MAX_WIDTH = 60  # viewBox units of the longest bar (the chart is 100 wide)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: float
    y: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int


def source_chart(rows: list[dict], *, top: int = 10) -> Chart:
    """The `top` sources by requests over all months, longest bar first, scaled to the biggest."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["source"]] = totals.get(row["source"], 0) + row["requests"]
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:top]
    biggest = max((n for _, n in ranked), default=1)
    bars = [
        Bar(label=label, count=n, width=round(BAR_MAX_WIDTH * n / biggest, 1), y=i * BAR_HEIGHT)
        for i, (label, n) in enumerate(ranked)
    ]
    return Chart(bars=bars, height=max(len(ranked), 1) * BAR_HEIGHT)
