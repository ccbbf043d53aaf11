"""Taps and screens for a phone booking from an article, with and without JavaScript (not a test).

    .venv/bin/python -m bench.booking_journey [--no-record]

The demo clinic runs as in bench/side_by_side.py (production settings, SQLite, gunicorn with 2
sync workers; `BOOKING_MIN_FILL_SECONDS=0` so the script need not wait like a person). Debian's
Chromium on a 390x844 phone opens /blog/hip-pain-in-runners/, scrolls to the article's first
booking button and taps it, then books a time on the second listed day and sends the form. Two
journeys, each with and without JavaScript:

- "straight": the patient picks the day, then a time, then types their details;
- "typed first": the patient types their details, then looks at another day and picks a time
  there. Whatever the page lost on the way is typed again, as a person would;
- "typed first, later dates": the same, but the day is on the next page of days ("Later dates").

Counted: taps (each tap on a link, button, radio, checkbox, select or text field), fields typed,
page loads (documents the browser fetched), and screens scrolled (the vertical distance the page
moved before each tap, in 844 px screens, not counting the jump of a page load; in brackets the
part scrolled on the article to reach its first booking button). The table is
printed and appended to bench/RESULTS.md with the commit.
"""

import argparse
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.side_by_side import REPO, Server, setup_clinic

ARTICLE = "/blog/hip-pain-in-runners/"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DETAILS = {
    "#id_first_name": "Maria",
    "#id_last_name": "Garcia",
    "#id_email": "maria{n}@example.com",
    "#id_phone": "(954) 555-01{n:02d}",
}
# The day links of the picker: links before the patient's journey was fixed, buttons after.
DAY = ".slot-days a, .slot-days button"
LATER = ".slot-days__pages a:has-text('Later dates'), .slot-days__pages button:has-text('Later dates')"
JOURNEYS = {  # name: (typed first, later dates)
    "day, time, details": (False, False),
    "typed first, then another day": (True, False),
    "typed first, then later dates": (True, True),
}


@dataclass
class Count:
    taps: int = 0
    typed: int = 0
    loads: int = 0
    scrolled: float = 0.0
    on_article: float = 0.0  # of `scrolled`, on the article before its first booking button
    notes: list = field(default_factory=list)


class Journey:
    """A phone that counts what the patient does."""

    def __init__(self, page, count: Count):
        self.page, self.count = page, count
        self.scroll_y = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.count.loads += 1
        self.scroll_y = None  # a new document: its first position is not the patient's scroll

    def _scroll_to(self, locator):
        if self.scroll_y is None:
            self.page.wait_for_load_state()
            self.scroll_y = self.page.evaluate("window.scrollY")
        locator.scroll_into_view_if_needed()
        now = self.page.evaluate("window.scrollY")
        self.count.scrolled += abs(now - self.scroll_y) / PHONE["height"]
        self.scroll_y = now

    def tap(self, locator):
        self._scroll_to(locator)
        locator.tap()
        self.count.taps += 1
        self.page.wait_for_load_state()

    def type(self, selector, text):
        field = self.page.locator(selector)
        self.tap(field)
        field.fill(text)
        self.count.typed += 1


def fill_details(journey: Journey, n: int) -> None:
    page = journey.page
    for selector, text in DETAILS.items():
        if page.locator(selector).input_value() != text.format(n=n):
            journey.type(selector, text.format(n=n))
    if page.locator("#id_concern").input_value() == "":
        journey.tap(page.locator("#id_concern"))
        page.locator("#id_concern").select_option(label="Hip")
    if not page.locator("#id_consent").is_checked():
        journey.tap(page.locator("#id_consent"))


def book(browser, base: str, *, javascript: bool, typed_first: bool, later: bool, n: int) -> Count:
    context = browser.new_context(
        java_script_enabled=javascript, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    count = Count()
    journey = Journey(page, count)
    page.goto(base + ARTICLE)
    cta = page.locator("main a[href*='/book/']").first
    journey.tap(cta)
    count.on_article = count.scrolled
    page.wait_for_url("**/book/**")
    if typed_first:
        fill_details(journey, n)
    day = page.locator(LATER if later else DAY).nth(0 if later else 1)
    iso = day.evaluate("el => el.value || new URL(el.href).searchParams.get('day')")
    journey.tap(day)
    time = page.locator(f".slot-day[data-day='{iso}']:not([hidden]) .slot-option").first
    time.wait_for()
    journey.tap(time)
    if typed_first:
        lost = [s for s, text in DETAILS.items() if page.locator(s).input_value() != text.format(n=n)]
        if lost:
            count.notes.append(f"{len(lost)} typed fields lost on changing day")
    fill_details(journey, n)
    journey.tap(page.get_by_role("button", name="Send my request"))
    page.wait_for_url("**/book/thanks/")
    heading = page.get_by_role("heading", level=1).inner_text()
    if heading != "Your visit is booked":
        errors = page.locator(".error-summary").all_inner_texts()
        raise SystemExit(f"The journey did not end booked: {heading!r} {errors}")
    context.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="clinic-journey-") as scratch:
        clinic = setup_clinic(Path(scratch))
        env = {**clinic["env"], "BOOKING_MIN_FILL_SECONDS": "0", "PAGE_CACHE_SECONDS": "0"}
        gunicorn = REPO / ".venv" / "bin" / "gunicorn"
        with Server(gunicorn, "clinic.wsgi", REPO, env) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            n = 0
            for name, (typed_first, later) in JOURNEYS.items():
                for javascript in (True, False):
                    n += 1
                    count = book(
                        browser, server.base, javascript=javascript, typed_first=typed_first, later=later, n=n
                    )
                    rows.append((name, javascript, count))
            browser.close()
    commit = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        "| journey | JavaScript | taps | fields typed | page loads | screens scrolled (on the article) "
        "| notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, javascript, count in rows:
        lines.append(
            f"| {name} | {'on' if javascript else 'off'} | {count.taps} | {count.typed} | {count.loads} "
            f"| {count.scrolled:.1f} ({count.on_article:.1f}) | {'; '.join(count.notes)} |"
        )
    table = "\n".join(lines)
    print(table)
    if not options.no_record:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with (REPO / "bench" / "RESULTS.md").open("a") as results:
            results.write(
                f"\n## {stamp}: a phone booking from an article (commit {commit})\n\n"
                "`bench/booking_journey.py`: demo site, production settings, gunicorn 2 workers, "
                "Chromium at 390x844 from /blog/hip-pain-in-runners/ to the confirmation.\n\n"
                f"{table}\n"
            )


if __name__ == "__main__":
    main()
