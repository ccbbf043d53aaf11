"""Side-by-side benchmark: this site against Wagtail's bakerydemo, in one sitting (not a test).

    BAKERYDEMO_DIR=/tmp/bakerydemo .venv/bin/python bench/side_by_side.py [--seconds 15] [--redis URL]

BAKERYDEMO_DIR is a checkout of https://github.com/wagtail/bakerydemo (never copied into this
repository). Its virtualenv is made in a scratch folder outside the repo (BAKERYDEMO_VENV,
default /tmp/bakerydemo-venv) from its own requirements/base.txt with Django pinned to 5.2 (its
pin needs Python 3.12; Wagtail 7.4 supports 5.2), plus whitenoise and gunicorn; its database and
demo data are made as its README says (migrate, load_initial_data) in a SQLite file in the
scratch folder. Both sites then run under their production settings with SQLite, gunicorn with
2 sync workers, one site at a time, and `wrk` (Debian's package) drives each page with
2 threads x 10 connections for --seconds. Ours runs three ways (nothing cached, the page cache
off with the fragment cache as deployed, everything as deployed), on the database cache or, with
--redis, on Redis. Printed: requests/s, p50, and the queries a warm view with the page cache off
costs; the table is appended to bench/RESULTS.md with the commit.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
PORTS = range(8100, 8200)  # the range this project's helpers may use on shared machines

# Counts the queries of a warm, uncached view of each path (run inside each site's `shell`).
QUERY_COUNTER = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, counts = Client(), {}
for path in PATHS:
    client.get(path, HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path, HTTP_HOST="127.0.0.1").status_code
    counts[path] = len(captured) if status == 200 else f"HTTP {status}"
print("COUNTS" + json.dumps(counts))
"""


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("No free port in 8100-8199.")


def run(args: list, *, cwd: Path, env: dict, quiet: bool = True) -> str:
    result = subprocess.run(  # noqa: S603 - fixed programs with our own arguments
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, args))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return result.stdout


def count_queries(python: Path, cwd: Path, env: dict, paths: list[str]) -> dict:
    code = f"PATHS = {paths!r}\n" + QUERY_COUNTER
    out = run([python, "manage.py", "shell", "-c", code], cwd=cwd, env=env)
    line = next(line for line in out.splitlines() if line.startswith("COUNTS"))
    return json.loads(line[len("COUNTS") :])


class Server:
    """gunicorn with 2 sync workers on a free loopback port, stopped on exit."""

    def __init__(self, gunicorn: Path, app: str, cwd: Path, env: dict):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [gunicorn, app, "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--log-level", "warning"]
        self.process = subprocess.Popen([str(a) for a in args], cwd=cwd, env=env)  # noqa: S603

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=10):  # noqa: S310 - loopback
                    return self
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"The server at {self.base} did not come up.")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:  # noqa: S310 - loopback
            return response.read().decode()


def stylesheet(html: str) -> str:
    return re.search(r'<link[^>]+rel="stylesheet"[^>]+href="(/static/[^"]+\.css)"', html).group(1)


def wrk(url: str, seconds: int) -> dict:
    for _ in range(5):
        urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 - warm renditions and caches
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c10", f"-d{seconds}s", "--latency", url],  # noqa: S607 - Debian's wrk
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s50%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p50 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses under load")
    return {"rps": rps, "p50": p50}


def setup_bakerydemo(checkout: Path, venv: Path, scratch: Path) -> dict:
    python = venv / "bin" / "python"
    if not (venv / "bin" / "gunicorn").exists():
        print(f"Making bakerydemo's virtualenv in {venv}…")
        run([sys.executable, "-m", "venv", venv], cwd=scratch, env=dict(os.environ))
        requirements = scratch / "bakerydemo-requirements.txt"
        base = (checkout / "requirements" / "base.txt").read_text().splitlines()
        pinned = [line for line in base if not line.lower().startswith("django>")] + ["Django>=5.2,<5.3"]
        requirements.write_text("\n".join(pinned) + "\n")
        pip = [venv / "bin" / "pip", "install", "-q", "-r", requirements, "whitenoise>=6.11,<7", "gunicorn"]
        run(pip, cwd=scratch, env=dict(os.environ))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "bakerydemo.settings.production",
        "DATABASE_URL": f"sqlite:///{scratch}/bakerydemo.sqlite3",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    print("Building bakerydemo's demo site (migrate, load_initial_data, collectstatic)…")
    run([python, "manage.py", "migrate", "--noinput"], cwd=checkout, env=env)
    run([python, "manage.py", "load_initial_data"], cwd=checkout, env=env)
    run([python, "manage.py", "collectstatic", "--noinput"], cwd=checkout, env=env)
    post = run(
        [python, "manage.py", "shell", "-c", "from bakerydemo.blog.models import BlogPage as P; "
         "print('URL' + P.objects.live().order_by('pk').first().url)"],
        cwd=checkout, env=env,
    )  # fmt: skip
    article = next(line[3:] for line in post.splitlines() if line.startswith("URL"))
    return {"python": python, "env": env, "article": article}


def setup_clinic(scratch: Path) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"sqlite:///{scratch}/clinic.sqlite3",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_MEDIA_ROOT": f"{scratch}/media",
        "BENCH_STATIC_ROOT": f"{scratch}/static",
        "CLINIC_PUBLIC_URL": "http://127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }
    print("Building the clinic's demo site…")
    for args in (
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["collectstatic", "--noinput"],
        ["load_demo_content"],
    ):
        run([PYTHON, "manage.py", *args], cwd=REPO, env=env)
    return {"env": env}


# Our site three ways: nothing cached, the page cache off (the default fragment cache on), and
# everything on as deployed.
MODES = {
    "bare": {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"},
    "uncached": {"PAGE_CACHE_SECONDS": "0"},
    "cached": {"PAGE_CACHE_SECONDS": "300"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration per page")
    parser.add_argument("--redis", metavar="URL", help="our cache: Redis at URL (default: the database)")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    options = parser.parse_args()
    checkout = Path(os.environ.get("BAKERYDEMO_DIR", "")).resolve()
    if not (checkout / "bakerydemo").is_dir():
        raise SystemExit("Set BAKERYDEMO_DIR to a checkout of https://github.com/wagtail/bakerydemo.")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    venv = Path(os.environ.get("BAKERYDEMO_VENV", "/tmp/bakerydemo-venv"))  # noqa: S108 - scratch, by design

    with tempfile.TemporaryDirectory(prefix="side-by-side-") as tmp:
        scratch = Path(tmp)
        bakery = setup_bakerydemo(checkout, venv, scratch)
        clinic = setup_clinic(scratch)
        if options.redis:
            # A key prefix of its own: nothing left from an earlier run is read.
            prefix = f"bench-{secrets.token_hex(4)}"
            clinic["env"].update(REDIS_URL=options.redis, DJANGO_CACHE_KEY_PREFIX=prefix)
        ours = {"article": "/blog/hip-pain-in-runners/", "home": "/", "blog index": "/blog/"}
        theirs = {"article": bakery["article"], "home": "/", "blog index": "/blog/"}

        their_queries = count_queries(bakery["python"], checkout, bakery["env"], list(theirs.values()))
        our_queries = count_queries(PYTHON, REPO, {**clinic["env"], **MODES["uncached"]}, list(ours.values()))

        results = {}
        gunicorn_theirs = bakery["python"].parent / "gunicorn"
        with Server(gunicorn_theirs, "bakerydemo.wsgi:application", checkout, bakery["env"]) as server:
            static = stylesheet(server.get("/"))
            for page, path in theirs.items():
                results[("theirs", page)] = wrk(server.base + path, options.seconds)
            results[("theirs", "static CSS")] = wrk(server.base + static, options.seconds)
        gunicorn_ours = PYTHON.parent / "gunicorn"
        for mode, mode_env in MODES.items():
            env = {**clinic["env"], **mode_env}
            with Server(gunicorn_ours, "clinic.wsgi:application", REPO, env) as server:
                static = stylesheet(server.get("/"))
                for page, path in ours.items():
                    results[(mode, page)] = wrk(server.base + path, options.seconds)
                results[(mode, "static CSS")] = wrk(server.base + static, options.seconds)

    def cell(key):
        r = results.get(key)
        return f"{r['rps']:,.0f} / {r['p50']:.1f}" if r else "—"

    lines = [
        "| page | ours, nothing cached | ours, page cache off | ours, cached | bakerydemo "
        "| nothing cached ÷ bakerydemo | page cache off ÷ bakerydemo | cached ÷ static (ours) "
        "| queries warm, page cache off: ours / bakerydemo |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    static = results[("cached", "static CSS")]["rps"]
    for page in ("article", "home", "blog index", "static CSS"):
        theirs_rps = results[("theirs", page)]["rps"]
        ratios = [
            f"{results[(mode, page)]['rps'] / theirs_rps:.2f}" if page != "static CSS" else "—"
            for mode in ("bare", "uncached")
        ]
        queries = f"{our_queries[ours[page]]} / {their_queries[theirs[page]]}" if page in ours else "—"
        lines.append(
            f"| {page} | {cell(('bare', page))} | {cell(('uncached', page))} | {cell(('cached', page))} "
            f"| {cell(('theirs', page))} | {ratios[0]} | {ratios[1]} "
            f"| {results[('cached', page)]['rps'] / static:.2f} | {queries} |"
        )
    table = "\n".join(lines)
    print("\n" + table)
    if not options.no_record:
        cache = "Redis" if options.redis else "the database cache"
        record(table, options.seconds, bakery_commit(checkout), theirs["article"], cache)


def bakery_commit(checkout: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def record(table: str, seconds: int, their_commit: str, their_article: str, cache: str) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    text = (
        f"\n## {now} UTC: side by side with bakerydemo (commit {commit}; bakerydemo {their_commit})\n\n"
        f"Production settings, SQLite, our cache {cache}, gunicorn 2 sync workers, one site at a time; "
        f"wrk 2 threads × 10 connections × {seconds} s per row after 5 warm-up requests; "
        f"{os.cpu_count()} CPUs shared with other work, Python {platform.python_version()}. "
        f"bakerydemo's article is {their_article}; its cache is its production default (local memory). "
        f"Cells are req/s / p50 ms. Ours three ways: nothing cached (PAGE_CACHE_SECONDS=0 "
        f"FRAGMENT_CACHE_SECONDS=0), page cache off (PAGE_CACHE_SECONDS=0, fragments as deployed), "
        f"cached (as deployed). Static CSS is each site's stylesheet from the same gunicorn "
        f"(whitenoise).\n\n{table}\n"
    )
    with (REPO / "bench" / "RESULTS.md").open("a") as results:
        results.write(text)


if __name__ == "__main__":
    main()
