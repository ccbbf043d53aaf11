"""Lighthouse (mobile) on the demo clinic's four public page types, in one sitting (not a test).

    npm install -g lighthouse@12.2.3        # Node 20; see shared/MACHINE.md
    .venv/bin/python bench/lighthouse.py [--runs 3]

The site runs as in bench/side_by_side.py: production settings (page cache on), SQLite, gunicorn
with 2 sync workers. Each page is measured --runs times with Debian's Chromium; the table gives
the median performance score and the worst layout shift of the runs, and is appended to
bench/RESULTS.md with the commit. Performance swings with the machine's load; CLS, the console
and the other categories do not.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.side_by_side import REPO, Server, run, setup_clinic

PAGES = {
    "home": "/",
    "article": "/blog/hip-pain-in-runners/",
    "blog index": "/blog/",
    "booking page": "/book/",
}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def lighthouse(url: str) -> dict:
    lighthouse_bin = shutil.which("lighthouse")
    if lighthouse_bin is None:
        raise SystemExit("lighthouse is not installed: npm install -g lighthouse@12.2.3")
    result = subprocess.run(  # noqa: S603 - our own arguments
        [
            lighthouse_bin,
            url,
            "--form-factor=mobile",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise SystemExit(f"Lighthouse failed on {url}: {report['runtimeError']}")
    audits = report["audits"]
    return {
        **{name: round(100 * category["score"]) for name, category in report["categories"].items()},
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "console_errors": len(audits["errors-in-console"]["details"].get("items", [])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="clinic-lighthouse-") as scratch:
        clinic = setup_clinic(Path(scratch))
        with Server(REPO / ".venv" / "bin" / "gunicorn", "clinic.wsgi", REPO, clinic["env"]) as server:
            for name, path in PAGES.items():
                runs = [lighthouse(server.base + path) for _ in range(args.runs)]
                perf = [r["performance"] for r in runs]
                row = (
                    f"| {name} | {statistics.median(perf):.0f} ({', '.join(map(str, perf))}) "
                    f"| {min(r['accessibility'] for r in runs)} | {min(r['best-practices'] for r in runs)} "
                    f"| {min(r['seo'] for r in runs)} | {statistics.median(r['lcp'] for r in runs):,.0f} "
                    f"| {statistics.median(r['tbt'] for r in runs):,.0f} | {max(r['cls'] for r in runs):.3f} "
                    f"| {max(r['console_errors'] for r in runs)} |"
                )
                print(row)
                rows.append(row)
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, env=dict(os.environ)).strip()
    with (REPO / "bench" / "RESULTS.md").open("a") as results:
        results.write(
            f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: Lighthouse 12.2.3, mobile (commit {commit})\n\n"
            f"`bench/lighthouse.py --runs {args.runs}`: production settings (page cache on), SQLite, "
            "gunicorn 2 workers, Debian's Chromium; performance is the median of the runs, CLS and "
            "console errors the worst run, the other scores the lowest.\n\n"
            "| page | performance (runs) | accessibility | best practices | SEO | LCP ms | TBT ms "
            "| CLS | console errors |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            + "\n".join(rows)
            + "\n"
        )


if __name__ == "__main__":
    main()
