"""Requests per second through Varnish (deploy/varnish.vcl) against the same gunicorn directly
(a benchmark, not a test).

Builds the demo site in a throwaway SQLite database, serves it with gunicorn (production
settings, 2 workers) behind varnishd, and runs wrk (Debian's `wrk`) on loopback for each URL:
through Varnish (cache hits) and straight to gunicorn, plus gunicorn's static CSS as the
ceiling of one process. Prints the table and appends it to bench/RESULTS.md (--no-record: don't).

    .venv/bin/python bench/varnish_load.py [--seconds 10] [--connections 10]
"""

import argparse
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.booking.live_server import free_port, gunicorn_process, manage, prepare_database  # noqa: E402
from tests.scale.cluster import HOST, PRODUCTION, production_shell  # noqa: E402
from tests.scale.services import varnish  # noqa: E402

PAGES = [("home", "/"), ("blog index", "/blog/"), ("article", "/blog/hip-pain-in-runners/")]


def wrk(url: str, *, seconds: int, connections: int) -> tuple[float, str]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Host: {HOST}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    # The latency distribution's line, not a thread-stats column that happens to end in 50%.
    p50 = re.search(r"^\s+50%\s+(\S+)$", output, re.MULTILINE).group(1)
    return rate, p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk).")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{tmp}/db.sqlite3"
        prepare_database(database)
        varnish_port, purge_port = free_port(), free_port()
        env = {
            "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CLINIC_PUBLIC_URL": f"http://{HOST}",
            "FRONTEND_CACHE_URLS": f"http://127.0.0.1:{purge_port}",
            "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        }
        manage(database, "collectstatic", "--noinput", "-v0", settings=PRODUCTION, **env)
        production_shell(
            database,
            env,
            f"from wagtail.models import Site; Site.objects.update(hostname='{HOST}', port=80)",
        )
        rows = []
        with (
            gunicorn_process(database, workers=2, settings=PRODUCTION, **env) as (app, _),
            varnish([app], port=varnish_port, purge_port=purge_port, host=HOST) as front,
        ):
            home = urllib.request.urlopen(app + "/", timeout=60).read().decode()  # noqa: S310 - loopback
            css = re.search(r'href="(/static/css/site\.[^"]+\.css)"', home).group(1)
            for name, path in PAGES:
                for where, base in (("through Varnish", front), ("gunicorn directly", app)):
                    wrk(base + path, seconds=2, connections=args.connections)  # warm up
                    rate, p50 = wrk(base + path, seconds=args.seconds, connections=args.connections)
                    rows.append((f"{name}, {where}", rate, p50))
                    print(f"{name:12} {where:18} {rate:8.1f} req/s  p50 {p50}", flush=True)
            rate, p50 = wrk(app + css, seconds=args.seconds, connections=args.connections)
            rows.append(("static CSS, gunicorn directly", rate, p50))
            print(f"static CSS   gunicorn directly  {rate:8.1f} req/s  p50 {p50}")
    version = (
        subprocess.run(["varnishd", "-V"], capture_output=True, text=True).stderr.split("(")[1].split()[0]
    )
    table = "\n".join(f"| {name} | {rate:.0f} | {p50} |" for name, rate, p50 in rows)
    section = (
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: through Varnish (commit {commit})\n\n"
        f"`bench/varnish_load.py`: demo site, SQLite, gunicorn 2 sync workers (production settings) "
        f"behind {version} with deploy/varnish.vcl; wrk 2 threads x {args.connections} connections, "
        f"{args.seconds} s per row after a 2 s warm-up; Python {platform.python_version()}, loopback, "
        "a shared 2-CPU machine.\n\n"
        "| URL | requests/s | p50 |\n| --- | ---: | ---: |\n" + table + "\n"
    )
    print(section)
    if not args.no_record:
        with open(REPO / "bench" / "RESULTS.md", "a") as results:
            results.write(section)


if __name__ == "__main__":
    main()
