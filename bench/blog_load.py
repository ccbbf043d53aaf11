"""Load benchmark for the public site with many articles (a benchmark, not a test).

Builds the demo site plus N synthetic articles in a throwaway SQLite database (or in the
PostgreSQL database DATABASE_URL names), serves it with gunicorn on 127.0.0.1, sends a bounded
number of requests from Python threads to the home page, the blog index, an article, search and
the feed, prints requests/s and p50/p99 latency, and appends the table to bench/RESULTS.md.

    .venv/bin/python bench/blog_load.py [--articles 200] [--requests 300] [--threads 4] [--workers 2]

Everything it starts it stops; everything it writes (database, media, static files) is in a
temporary folder, except RESULTS.md (skip that with --no-record).
"""

import argparse
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
PORTS = range(8100, 8200)  # the range this project's helpers may use on shared machines


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("No free port in 8100-8199.")


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
    )


SYNTHETIC_SCRIPT = """
import random
from datetime import timedelta
from django.utils import timezone
from blog.models import BlogIndexPage, BlogPage
from clinic.models import CareArea, Person

random.seed(1)
index = BlogIndexPage.objects.get()
author = Person.objects.first()
areas = list(CareArea.objects.all())
words = "hip knee pain runner stride glute strength rest mileage recovery shoe tendon".split()
have = BlogPage.objects.filter(slug__startswith="synthetic-").count()
for n in range(have, {count}):
    paragraphs = [
        " ".join(random.choice(words) for _ in range(60)).capitalize() + "." for _ in range(8)
    ]
    body = []
    for i, text in enumerate(paragraphs):
        if i % 3 == 0:
            body.append(("heading", {{"text": f"Synthetic section {{i}}", "level": "h2"}}))
        body.append(("paragraph", f"<p>{{text}}</p>"))
    page = BlogPage(
        title=f"Synthetic article {{n}} (benchmark data)",
        slug=f"synthetic-{{n}}",
        intro="Synthetic benchmark article: not real advice.",
        author=author,
        date=timezone.localdate() - timedelta(days=n),
        body=body,
    )
    page.categories.set(random.sample(areas, 2))
    page.tags.add(f"synthetic-{{n % 10}}", "synthetic")
    index.add_child(instance=page)
    page.save_revision().publish()
"""


def build_site(env: dict, articles: int) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo_content")
    subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-c", SYNTHETIC_SCRIPT.format(count=articles)],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our loopback server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not come up at {url}.")


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our loopback server
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - start


def measure(url: str, requests: int, threads: int) -> dict:
    for _ in range(5):
        fetch(url)  # warm caches, renditions and connections
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        latencies = sorted(pool.map(lambda _: fetch(url), range(requests)))
    elapsed = time.perf_counter() - started
    return {
        "rps": requests / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300, help="per endpoint")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="clinic-bench-") as tmp:
        database = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CLINIC_PUBLIC_URL": base,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "BENCH_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
            # Measures rendering: the page cache (on by default in production) stays off unless
            # PAGE_CACHE_SECONDS is set; bench/side_by_side.py measures it on and off.
            "PAGE_CACHE_SECONDS": os.environ.get("PAGE_CACHE_SECONDS", "0"),
        }
        print(f"Building the demo site with {options.articles} synthetic articles…")
        build_site(env, options.articles)
        server = subprocess.Popen(
            [str(GUNICORN), "clinic.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--log-level", "warning"],
            cwd=REPO,
            env=env,
        )  # fmt: skip
        try:
            wait_until_up(base + "/healthz", time.monotonic() + 30)
            endpoints = {
                "home": "/",
                "blog index": "/blog/",
                "blog index, page 5": "/blog/?page=5",
                "article": "/blog/hip-pain-in-runners/",
                "search 'hip pain'": "/search/?q=hip+pain",
                "RSS feed": "/blog/feed/",
            }
            results = {}
            for name, path in endpoints.items():
                results[name] = measure(base + path, options.requests, options.threads)
                print(f"{name:>20}: {results[name]['rps']:7.1f} req/s  p50 {results[name]['p50']:6.1f} ms"
                      f"  p99 {results[name]['p99']:6.1f} ms")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
    if not options.no_record:
        record(options, database, results)


def record(options, database: str, results: dict) -> None:
    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    now = datetime.now(UTC) - timedelta(microseconds=datetime.now(UTC).microsecond)
    lines = [
        f"\n## {now:%Y-%m-%d %H:%M} UTC: {options.articles} synthetic articles, {engine}, commit {commit}",
        "",
        f"gunicorn {options.workers} sync workers, {options.threads} client threads, "
        f"{options.requests} requests per endpoint after 5 warm-up requests; {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, same machine over loopback.",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {name} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} |" for name, r in results.items()],
        "",
    ]
    path = REPO / "bench" / "RESULTS.md"
    if not path.exists():
        path.write_text(
            "# Benchmark results\n\nAppended by the scripts in this folder; newest last. Numbers from one "
            "shared machine are for comparing runs, not promises about production.\n"
        )
    with path.open("a") as results_file:
        results_file.write("\n".join(lines))
    print(f"Recorded in {path.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
