# ruff: noqa: PLC0415 - build() and front_desk_cookie() run in a configured Django (a shell, a test,
# bench/scale.py) and import its models there; the command line half runs without Django.
"""A busy front desk (issue 16): 50,000 visit requests over two years, and the staff screens timed
at that size against the demo (not a test).

    .venv/bin/python -m bench.scale_requests [--requests 50000] [--no-record]

`build(n)` adds the requests through the project's models with bulk_create, as two years of ~70
requests a day leave them: their emails (a few failed for good), the seats of booked times, audit
entries, and everything whose visit is more than a year old anonymised as
`purge_visit_requests --older-than 365` leaves it. `measure(base)` signs in as the front desk
(second factor verified) and times the inbox, searches, page 100, the dashboard, the source
report and both exports against a running server. `main()` does both on a throwaway PostgreSQL
database with production settings (gunicorn, 2 sync workers, no Redis): the demo first, then
with the requests added; the table goes to bench/RESULTS.md. bench/scale.py calls `build` and
`measure` for its own sitting.
"""

import argparse
import http.client
import os
import random
import secrets
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.scale import verified_session_cookie
from bench.side_by_side import Server, free_port

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"

FIRST_NAMES = ["Maria", "Jose", "Ana", "Luis", "Carmen", "James", "Linda", "Robert", "Patricia",
               "Michael", "Sofia", "David", "Laura", "Daniel", "Elena", "Chris", "Rosa", "Kevin", "Julia",
               "Mark"]  # fmt: skip
LAST_NAMES = ["Garcia", "Lopez", "Martinez", "Rodriguez", "Hernandez", "Smith", "Johnson", "Williams",
              "Brown", "Jones", "Perez", "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez",
              "Diaz", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Anderson", "Thomas"]  # fmt: skip
# What the search timings look for: a common surname, and a phone number typed as people do.
SEARCH_NAME = "Lopez"
SEARCH_PHONE = "(954) 555-0166"
PER_PAGE = 50
SPAN = timedelta(days=730)
RETENTION = timedelta(days=365)


def build(n: int = 50_000, *, now: datetime | None = None, seed: int = 16) -> int:
    """Add `n` visit requests over the two years to `now` (Django must be set up); returns `n`."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import Max

    from wagtail.models import ModelLogEntry, Page

    from blog.models import BlogPage
    from booking import audit
    from booking.models import DiscoveryVisitPage, Notification, SlotSeat, VisitRequest
    from clinic.models import CareArea

    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    page = DiscoveryVisitPage.objects.first()
    concerns = list(CareArea.objects.values_list("pk", flat=True)) or [None]
    # The articles (or, on a site with few, any pages below the home page) patients came from.
    sources = list(BlogPage.objects.values_list("pk", flat=True))
    if len(sources) < 100:
        sources = list(Page.objects.filter(depth__gte=3).values_list("pk", flat=True))
    staff = get_user_model().objects.filter(is_staff=True).first()
    content_type = ContentType.objects.get_for_model(VisitRequest)
    Status = VisitRequest.Status
    Kind = Notification.Kind
    batch = 5_000
    # Seats are numbered per slot start from 1, on from those a previous build left.
    seats_taken = dict(
        SlotSeat.objects.values("slot_start").annotate(top=Max("seat")).values_list("slot_start", "top")
    )
    with transaction.atomic():
        for offset in range(0, n, batch):
            requests = []
            for i in range(offset, min(offset + batch, n)):
                created = now - SPAN * rng.random()
                booked = rng.random() < 0.8
                # A time in clinic hours (9:00-17:00 ET, on the hour or half hour) 1-14 days later.
                day = (created + timedelta(days=rng.randint(1, 14))).replace(
                    hour=14 + rng.randint(0, 7), minute=rng.choice([0, 30]), second=0, microsecond=0
                )
                slot = day if booked else None
                visit_at = slot or created
                if visit_at > now:
                    status = rng.choice([Status.NEW, Status.CONTACTED, Status.CONFIRMED, Status.CONFIRMED])
                else:
                    status = rng.choices(
                        [Status.ATTENDED, Status.NO_SHOW, Status.CANCELLED, Status.CONFIRMED],
                        weights=[70, 10, 15, 5],
                    )[0]
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                number = f"+1954555{i % 10_000:04d}"
                anonymised = visit_at < now - RETENTION
                request = VisitRequest(
                    page=page,
                    slot_start=slot,
                    slot_end=slot + timedelta(minutes=30) if slot else None,
                    preferred_times="" if slot or anonymised else "Weekday mornings",
                    status=Status.CANCELLED
                    if anonymised and status in VisitRequest.ACTIVE_STATUSES
                    else status,
                    first_name="Anonymised" if anonymised else first,
                    last_name="" if anonymised else last,
                    email="anonymised@invalid" if anonymised else f"{first}.{last}{i}@example.com".lower(),
                    phone="" if anonymised else number,
                    concern_id=rng.choice(concerns),
                    note="" if anonymised else rng.choice(["", "", "Left hip hurts after long runs."]),
                    preferred_contact=rng.choice(["email", "phone", "text"]),
                    consented_at=created,
                    source_page_id=rng.choice(sources) if sources and rng.random() < 0.4 else None,
                    cancelled_at=visit_at if status == Status.CANCELLED else None,
                    anonymised_at=visit_at + RETENTION if anonymised else None,
                    created_at=created,
                )
                requests.append(request)
            VisitRequest.objects.bulk_create(requests, batch_size=1_000)
            seats, notifications, entries = [], [], []
            for request in requests:
                if request.slot_start and request.status not in (Status.CANCELLED,):
                    seat = seats_taken.get(request.slot_start, 0) + 1
                    seats_taken[request.slot_start] = seat
                    seats.append(SlotSeat(visit_request=request, slot_start=request.slot_start, seat=seat))
                kinds = [Kind.CONFIRMATION, Kind.STAFF_NEW]
                if request.slot_start and request.slot_start < now:
                    kinds.append(Kind.REMINDER)
                for kind in kinds:
                    failed = rng.random() < 0.002
                    notifications.append(
                        Notification(
                            visit_request=request,
                            kind=kind,
                            status=Notification.Status.FAILED if failed else Notification.Status.SENT,
                            attempts=5 if failed else 1,
                            sent_at=None if failed else request.created_at,
                            created_at=request.created_at,
                        )
                    )
                for action in (audit.LOG_VIEWED, audit.LOG_STATUS):
                    entries.append(
                        ModelLogEntry(
                            content_type_id=content_type.pk,
                            object_id=str(request.pk),
                            label=audit.audit_title(request),
                            action=action,
                            data={},
                            timestamp=request.created_at + timedelta(hours=2),
                            user=staff,
                        )
                    )
            SlotSeat.objects.bulk_create(seats, batch_size=1_000)
            Notification.objects.bulk_create(notifications, batch_size=1_000)
            ModelLogEntry.objects.bulk_create(entries, batch_size=1_000)
    return n


# Each staff screen: (label, path). Times are the server's whole answer, body read.
SCREENS = [
    ("inbox", "/admin/visit-requests/"),
    (f'search "{SEARCH_NAME}"', f"/admin/visit-requests/?q={SEARCH_NAME}"),
    (f'search "{SEARCH_PHONE}"', "/admin/visit-requests/?q=" + urllib.request.quote(SEARCH_PHONE)),
    ("search +1 954 555 0166", "/admin/visit-requests/?q=" + urllib.request.quote("+1 954 555 0166")),
    ("page 100", "/admin/visit-requests/?p=100"),
    ("dashboard", "/admin/"),
    ("attribution report", "/admin/reports/visit-sources/"),
]


def front_desk_cookie() -> str:
    """A session cookie for a front desk member whose second factor is verified (Django set up)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="bench-desk", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Front desk"))
    return verified_session_cookie(user)


def _fetch(base: str, path: str, cookie: str) -> tuple[float | None, float, int, str]:
    """(seconds to first byte, seconds in all, bytes, error) of one GET; a failure is a result."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie, "Host": "127.0.0.1"})  # noqa: S310
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
            first = response.read(1)
            first_at = time.perf_counter() - start
            size = len(first) + len(response.read())
    except (OSError, http.client.HTTPException) as error:
        return None, time.perf_counter() - start, 0, str(error)
    return first_at, time.perf_counter() - start, size, ""


def measure(
    base_url: str,
    env: dict | None = None,
    *,
    cookie: str = "",
    repeats: int = 15,
    exports: int = 2,
    rss=None,
    worker=None,
) -> dict:
    """{label: result} for the staff screens served at `base_url`: p50 ms and kB for pages; first
    byte, total, and (when `rss` gives the server's resident memory in kB) memory growth for
    the CSV export; the XLSX export's build by the task worker when given `worker` (see
    `run_worker`). A screen that fails says how, and after how long. Signs in through `env`'s
    database unless given a `cookie`."""
    base = base_url
    cookie = cookie or _front_desk_cookie(env or dict(os.environ))
    results = {}
    for label, path in SCREENS:
        _fetch(base, path, cookie)  # warm: the worker's first request loads Wagtail's admin
        samples = [_fetch(base, path, cookie) for _ in range(repeats)]
        results[label] = {
            "p50_ms": statistics.median(s[1] for s in samples) * 1000,
            "kb": samples[-1][2] / 1024,
            "error": next((s[3] for s in samples if s[3]), ""),
        }
        print(label, results[label], flush=True)
    runs = []
    for _ in range(exports):
        before = rss() if rss else None
        first, total, size, error = _fetch(base, "/admin/visit-requests/?export=csv", cookie)
        runs.append((first, total, size, error, (rss() - before) if rss else None))
    first, total, size, error, _ = sorted(runs, key=lambda r: r[1])[len(runs) // 2]
    results["CSV export"] = {
        "first_byte_s": first,
        "total_s": total,
        "kb": size / 1024,
        "error": error,
        "rss_growth_mb": None if rss is None else max(r[4] for r in runs) / 1024,
    }
    print("csv", results["CSV export"], flush=True)
    if worker:
        results["XLSX export"] = _measure_xlsx(base, cookie, worker, exports)
        print("xlsx", results["XLSX export"], flush=True)
    return results


def _measure_xlsx(base: str, cookie: str, worker, exports: int) -> dict:
    """The XLSX export as the front desk gets it: asked for (a redirect to a page saying it is being
    prepared), built by the task worker (`worker()` runs one and returns the build's seconds and
    the worker's peak memory), then downloaded from the page's link."""
    runs = []
    for _ in range(exports):
        request = urllib.request.Request(  # noqa: S310 - loopback
            base + "/admin/visit-requests/?export=xlsx", headers={"Cookie": cookie, "Host": "127.0.0.1"}
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
            page = urllib.parse.urlsplit(response.geturl()).path
            waiting = b"being prepared" in response.read()
        asked = time.perf_counter() - start
        built, peak_mb = worker()
        first, total, size, error = _fetch(base, page + "download/", cookie)
        runs.append({
            "asked_ms": asked * 1000,
            "waiting_page": waiting,
            "built_s": built,
            "worker_peak_mb": peak_mb,
            "first_byte_s": first,
            "total_s": total,
            "kb": size / 1024,
            "error": error,
        })  # fmt: skip
    return sorted(runs, key=lambda r: r["built_s"])[len(runs) // 2]


def run_worker(env: dict) -> tuple[float, float]:
    """Run the clinic's task worker until its queue is empty: (seconds the last task took from
    start to finish, as the queue recorded them; the worker's peak resident memory in MB)."""
    args = [PYTHON, "manage.py", "db_worker", "--backend", "clinic", "--batch", "--no-startup-delay"]
    process = subprocess.Popen([str(a) for a in args], cwd=REPO, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    peak = 0
    while process.poll() is None:
        try:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.1)
    took = _django(
        "from django_tasks_db.models import DBTaskResult\n"
        "r = DBTaskResult.objects.exclude(finished_at=None).order_by('-finished_at').first()\n"
        "print((r.finished_at - r.started_at).total_seconds())",
        env,
    )
    return float(took.strip().splitlines()[-1]), peak / 1024


def _run(args: list, env: dict) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"{args} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def _django(code: str, env: dict) -> str:
    return _run([PYTHON, "manage.py", "shell", "-c", code], env)


def _rss_of_children(pid: int):
    """The resident memory (kB) of gunicorn's workers, summed."""

    def rss() -> int:
        total = 0
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    return rss


class DeployedServer(Server):
    """gunicorn as deploy/systemd/clinic-web@.service runs it: a request is cut off after 60 s."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [PYTHON.parent / "gunicorn", "clinic.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", "2", "--timeout", "60", "--log-level", "warning"]  # fmt: skip
        self.process = subprocess.Popen([str(a) for a in args], cwd=REPO, env=env)  # noqa: S603


def _front_desk_cookie(env: dict) -> str:
    out = _django("from bench.scale_requests import front_desk_cookie; print(front_desk_cookie())", env)
    return out.strip().splitlines()[-1]


def _measure_server(env: dict) -> dict:
    with DeployedServer(env) as server:
        return measure(
            server.base, env, rss=_rss_of_children(server.process.pid), worker=lambda: run_worker(env)
        )


ADD_SOURCES = """
from wagtail.models import Page, Site
home = Site.objects.get(is_default_site=True).root_page
for i in range({count}):
    home.add_child(instance=Page(title=f"Source article {{i}}", slug=f"source-article-{{i}}"))
"""


def _cell(result: dict) -> str:
    if result["error"]:
        return f"fails after {result.get('total_s', result.get('p50_ms', 0) / 1000):.0f} s: {result['error']}"
    if "p50_ms" in result:
        return f"{result['p50_ms']:.0f} ms, {result['kb']:.0f} kB"
    if "built_s" in result:
        return (
            f"asked: {'waiting page' if result['waiting_page'] else 'page'} in {result['asked_ms']:.0f} ms; "
            f"built by the worker in {result['built_s']:.1f} s (peak {result['worker_peak_mb']:.0f} MB); "
            f"download {result['total_s']:.2f} s, {result['kb']:.0f} kB"
        )
    grown = "" if result["rss_growth_mb"] is None else f", +{result['rss_growth_mb']:.0f} MB"
    first, total = result["first_byte_s"], result["total_s"]
    return f"first byte {first:.2f} s, all {total:.2f} s, {result['kb']:.0f} kB{grown}"


def table(demo: dict, large: dict, n: int) -> str:
    lines = [f"| staff screen | demo | {n:,} requests |", "| --- | ---: | ---: |"]
    lines += [f"| {label} | {_cell(demo[label])} | {_cell(large[label])} |" for label in demo]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--sources", type=int, default=500, help="pages the requests come from")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--database", help="the throwaway database's name (created and dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards, to measure again")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure a database a --keep run left (no build, no record)",
    )
    args = parser.parse_args()
    database = args.database or f"clinic_bench_requests_{os.getpid()}"
    if not args.measure_only:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)  # noqa: S607
    scratch = Path(tempfile.mkdtemp(prefix="scale-requests-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://postgres:postgres@127.0.0.1:5432/{database}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_MEDIA_ROOT": f"{scratch}/media",
        "BENCH_STATIC_ROOT": f"{scratch}/static",
        "CLINIC_PUBLIC_URL": "http://127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PAGE_CACHE_SECONDS": "0",
        "PYTHONPATH": str(REPO),
    }
    if args.measure_only:
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            _run([PYTHON, "manage.py", *command], env)
        _measure_server(env)
        return
    try:
        print("Building the demo clinic on PostgreSQL…")
        for command in (
            ["migrate", "--noinput"],
            ["createcachetable"],
            ["collectstatic", "--noinput"],
            ["load_demo_content"],
        ):
            _run([PYTHON, "manage.py", *command], env)
        demo = _measure_server(env)
        # Without bench/scale.py's articles, the demo's few would make a short source report.
        print(f"Adding {args.sources} pages for requests to come from…")
        _django(ADD_SOURCES.format(count=args.sources), env)
        print(f"Adding {args.requests:,} visit requests…")
        started = time.perf_counter()
        _django(f"from bench.scale_requests import build; build({args.requests})", env)
        built = time.perf_counter() - started
        _django("from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')", env)
        large = _measure_server(env)
    finally:
        if args.keep:
            print(f"Kept the database {database}")
        else:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False
            )  # noqa: S607
    result = table(demo, large, args.requests)
    print(f"Built in {built:.0f} s\n{result}")
    if not args.no_record:
        record(result, built, args.requests)


def record(result: str, built: float, n: int) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()  # noqa: S607
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with (REPO / "bench" / "RESULTS.md").open("a") as out:
        out.write(
            f"\n## {stamp}: the front desk at {n:,} visit requests, PostgreSQL (commit {commit})\n\n"
            "bench/scale_requests.py: production settings, PostgreSQL 15, gunicorn 2 sync workers, no Redis, "
            "page cache off; signed in as the front desk with the second factor verified; p50 of 15 after "
            "one warm-up; exports: the median of 2, memory is the growth of the workers' resident memory. "
            f"{n:,} requests built with bulk_create in {built:.0f} s. 2 CPUs shared with other work.\n\n"
            f"{result}\n"
        )


if __name__ == "__main__":
    main()
