# ruff: noqa: PLC0415 - build() runs in a configured Django (a shell, a test) and imports its models
# there; the command line half runs without Django.
"""Five years of articles (issue 16): 5,000 articles built reproducibly, and the public pages timed
at that size against the demo, in one sitting (not a test).

    .venv/bin/python -m bench.scale build [--articles 5000]       # into DATABASE_URL's database
    .venv/bin/python -m bench.scale compare [--articles 5000] [--no-record]
    .venv/bin/python -m bench.scale crawl [--articles 5000] [--redis redis://127.0.0.1:6379/N]

`build(n)` adds `n` articles under the blog through the project's models, in bulk: page rows with
their tree paths computed here (treebeard's own arithmetic, `Page._get_path`), the article rows,
a revision each (the page's `latest_revision` and `live_revision`), 2 care areas and 3 of 1,000
tags each (taggit's models, bulk), 30 % with one of 30 hero images, 1,000-word bodies; then the
search index is built (`update_index`). Seeded: the same data every time.

`compare` builds the demo clinic on a throwaway PostgreSQL database, times each public page with
nothing cached (production settings, PAGE_CACHE_SECONDS=0 and FRAGMENT_CACHE_SECONDS=0, gunicorn
with 2 sync workers, no Redis; p50 of 15 after one warm-up, over HTTP), adds the articles and
times them again; the query count of each page is the test client's, in the same database. The
table goes to bench/RESULTS.md.

`crawl` builds the same large site and serves it with the caches as deployed (defaults), fetches
every URL of the sitemap plus every page of the blog's list, then does it again and counts the
page cache's hits (`X-Page-Cache: hit`) in the second crawl: on the database cache, or on Redis
with --redis (the database number given is flushed first; the memory Redis used is printed).
"""

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
sys.path.insert(0, str(REPO))

from bench.side_by_side import Server  # noqa: E402

TAGS = 1_000
IMAGES = 30
WORDS_PER_ARTICLE = 1_000
# A word that a handful of articles use: the "rare word" search.
RARE_WORD = "sesamoiditis"
VOCABULARY = [
    "runner",
    "runners",
    "running",
    "stride",
    "cadence",
    "mileage",
    "tempo",
    "interval",
    "recovery",
    "rest",
    "warm",
    "cool",
    "stretch",
    "strength",
    "glute",
    "hamstring",
    "quad",
    "calf",
    "ankle",
    "foot",
    "knee",
    "back",
    "shoulder",
    "tendon",
    "muscle",
    "joint",
    "pain",
    "ache",
    "injury",
    "rehab",
    "therapy",
    "exercise",
    "bridge",
    "squat",
    "lunge",
    "plank",
    "balance",
    "mobility",
    "posture",
    "footwear",
    "shoe",
    "surface",
    "trail",
    "track",
    "marathon",
    "race",
    "training",
    "week",
    "session",
    "physical",
    "therapist",
    "clinic",
    "evaluation",
    "swelling",
    "ice",
    "heat",
    "sleep",
    "nutrition",
    "hydration",
    "load",
    "progress",
    "gradual",
    "return",
    "walking",
    "jogging",
    "hill",
    "downhill",
    "uphill",
    "pelvis",
    "spine",
    "core",
    "flexibility",
    "stiffness",
    "morning",
    "evening",
    "weekly",
    "daily",
    "simple",
]
TOPICS = ["Knee", "Ankle", "Back", "Foot", "Shoulder", "Running", "Glute", "Hamstring", "Calf", "Hip"]
ASPECTS = ["pain after long runs", "strength for masters runners", "warm-up that works", "recovery week",
           "stiffness in the morning", "return to running", "five exercises", "myths and facts",
           "when to see a physical therapist", "training plan mistakes"]  # fmt: skip


def _body(rng: random.Random, *, hip: bool, rare: bool) -> list:
    """A 1,000-word body: ten sections of a heading and a 100-word paragraph."""
    blocks = []
    for section in range(10):
        words = rng.choices(VOCABULARY, k=100)
        if hip:
            words[rng.randrange(100)] = "hip"
        if rare and section == 5:
            words[50] = RARE_WORD
        blocks.append({"type": "heading", "value": {"text": f"Part {section + 1}", "level": "h2"}})
        blocks.append({"type": "paragraph", "value": f"<p>{' '.join(words).capitalize()}.</p>"})
    for block in blocks:
        block["id"] = str(uuid.UUID(int=rng.getrandbits(128)))
    return blocks


def _images(rng: random.Random) -> list:
    import io

    from PIL import Image as Picture

    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    image_model = get_image_model()
    images = list(image_model.objects.filter(title__startswith="Scale photo ").order_by("pk"))
    for n in range(len(images), IMAGES):
        data = io.BytesIO()
        Picture.new("RGB", (1200, 800), tuple(rng.randrange(256) for _ in range(3))).save(data, "JPEG")
        image = image_model(title=f"Scale photo {n}")
        image.file = ImageFile(data, name=f"scale-photo-{n}.jpg")
        image.save()
        images.append(image)
    return images


def build(n: int = 5_000, *, seed: int = 16) -> int:
    """Add `n` articles under the blog (Django must be set up); returns `n`. Bulk inserts through
    the models' own fields; the tree's paths are computed as treebeard computes them."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models.sql import InsertQuery
    from django.utils import timezone

    from modelcluster.models import get_serializable_data_for_fields
    from taggit.models import Tag
    from wagtail.models import Page, Revision

    from blog.models import BlogIndexPage, BlogPage, BlogPageTag
    from blog.reading import minutes_to_read
    from clinic.models import CareArea, Person

    rng = random.Random(seed)
    index = BlogIndexPage.objects.get(locale__language_code="en")
    areas = list(CareArea.objects.order_by("sort_order", "pk"))
    hip_areas = [area for area in areas if area.slug == "hip"]
    author = Person.objects.order_by("pk").first()
    images = _images(rng)
    page_type = ContentType.objects.get_for_model(BlogPage)
    base_type = ContentType.objects.get_for_model(Page)
    have_tags = set(Tag.objects.filter(slug__startswith="topic-").values_list("slug", flat=True))
    Tag.objects.bulk_create(
        [Tag(name=f"topic {k}", slug=f"topic-{k}") for k in range(TAGS) if f"topic-{k}" not in have_tags]
    )
    tags = list(Tag.objects.filter(slug__startswith="topic-").order_by("pk").values_list("pk", flat=True))
    # Some tags are used much more than others, as in any blog (Zipf-like).
    tag_weights = [1 / (rank + 1) for rank in range(len(tags))]
    today = timezone.localdate()
    now = timezone.now()
    local_fields = list(BlogPage._meta.local_concrete_fields)
    batch = 500
    with transaction.atomic():
        index = BlogIndexPage.objects.select_for_update().get(pk=index.pk)
        first = index.numchild + 1
        for offset in range(0, n, batch):
            count = min(batch, n - offset)
            articles, extra = [], []
            for i in range(offset, offset + count):
                number = first + i
                filed = rng.sample(areas, 2)
                hip = any(area in hip_areas for area in filed) or rng.random() < 0.1
                topic = "Hip" if hip and rng.random() < 0.5 else rng.choice(TOPICS[:-1])
                title = f"{topic} {rng.choice(ASPECTS)} ({number})"
                slug = f"scale-article-{number:05d}"
                age = timedelta(days=int(5 * 365 * (n - i) / n))
                published = now - age
                article = BlogPage(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=page_type,
                    live=True,
                    has_unpublished_changes=False,
                    url_path=f"{index.url_path}{slug}/",
                    locale_id=index.locale_id,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                    path=Page._get_path(index.path, index.depth + 1, number),
                    depth=index.depth + 1,
                    numchild=0,
                    first_published_at=published,
                    last_published_at=published,
                    latest_revision_created_at=published,
                    intro=f"What a runner should know: {title.lower()}.",
                    author=author,
                    date=today - age,
                    hero_image=rng.choice(images) if rng.random() < 0.3 else None,
                    hero_alt="A runner on a trail",
                    body=_body(rng, hip=hip, rare=rng.random() < 0.001 or i == n // 2),
                    reading_minutes=minutes_to_read(WORDS_PER_ARTICLE),
                )
                articles.append(article)
                extra.append((filed, rng.choices(tags, weights=tag_weights, k=6)))
            # Page rows first (multi-table inheritance: Django's bulk_create refuses the child).
            pages = Page.objects.bulk_create(
                [
                    Page(
                        **{
                            f.attname: getattr(a, f.attname)
                            for f in Page._meta.concrete_fields
                            if f.attname != "id"
                        }
                    )
                    for a in articles
                ]
            )
            for article, page in zip(articles, pages, strict=True):
                article.pk = article.id = article.page_ptr_id = page.pk
            insert = InsertQuery(BlogPage)
            insert.insert_values(local_fields, articles)
            insert.get_compiler(connection=connection).execute_sql(returning_fields=None)
            through = BlogPage.categories.through
            through.objects.bulk_create(
                [
                    through(blogpage_id=a.pk, carearea_id=area.pk)
                    for a, (filed, _) in zip(articles, extra, strict=True)
                    for area in filed
                ]
            )
            tagged = []
            for article, (_, picked) in zip(articles, extra, strict=True):
                for tag_id in list(dict.fromkeys(picked))[:3]:
                    tagged.append(BlogPageTag(content_object_id=article.pk, tag_id=tag_id))
            BlogPageTag.objects.bulk_create(tagged)
            revisions = []
            for article, (filed, picked) in zip(articles, extra, strict=True):
                content = get_serializable_data_for_fields(article)
                content["categories"] = [area.pk for area in filed]
                content["tagged_items"] = [
                    {"pk": None, "tag": tag_id, "content_object": article.pk}
                    for tag_id in dict.fromkeys(picked)
                ][:3]
                revisions.append(
                    Revision(
                        content_type=page_type,
                        base_content_type=base_type,
                        object_id=str(article.pk),
                        object_str=article.title,
                        content=content,
                        created_at=article.last_published_at,
                    )
                )
            Revision.objects.bulk_create(revisions)
            for page, revision in zip(pages, revisions, strict=True):
                page.latest_revision_id = page.live_revision_id = revision.pk
            Page.objects.bulk_update(pages, ["latest_revision", "live_revision"])
        Page.objects.filter(pk=index.pk).update(numchild=index.numchild + n)
    call_command("update_index", verbosity=0)
    call_command("invalidate_caches")
    return n


def discover(n_hint: int = 0) -> dict:
    """The public pages to time (Django set up): {label: path}, and the admin page explorer's."""
    from django.db.models import Count

    from taggit.models import Tag

    from blog.models import BlogIndexPage, BlogPage
    from clinic.models import CareArea

    index = BlogIndexPage.objects.get(locale__language_code="en")
    articles = index.articles()
    total = articles.count()
    last = max(1, -(-total // 10))
    area = (
        CareArea.objects.filter(articles__in=articles.values("pk"))
        .annotate(n=Count("articles"))
        .order_by("-n", "pk")
        .first()
    )
    tag = (
        Tag.objects.filter(blog_blogpagetag_items__content_object__in=articles.values("pk"))
        .annotate(n=Count("blog_blogpagetag_items"))
        .order_by("-n", "pk")
        .first()
    )
    # An article in the middle of the list, with a hero image if any has one.
    middle = (
        articles.filter(hero_image__isnull=False)[total // 2 : total // 2 + 1].first() or articles.first()
    )
    blog = index.url
    return {
        "home": "/",
        "/blog/ page 1": blog,
        f"/blog/ last page ({last})": f"{blog}?page={last}",
        "category": f"{blog}category/{area.slug}/",
        "busiest tag": f"{blog}tag/{tag.slug}/",
        "article": middle.url,
        "/search/?q=hip": "/search/?q=hip",
        f"/search/?q={RARE_WORD}": f"/search/?q={RARE_WORD}",
        "/blog/feed/": f"{blog}feed/",
        "/sitemap.xml": "/sitemap.xml",
        "sitemap page 1": _sitemap_page(),
        "page explorer (Blog)": f"/admin/pages/{index.pk}/",
        "_counts": json.dumps({"articles": total, "category": area.slug, "tag": tag.slug,
                               "tag_articles": BlogPage.objects.filter(tags=tag).count()}),
    }  # fmt: skip


def _sitemap_page() -> str:
    """The first page of the sitemap's entries: /sitemap-pages.xml?p=1 once there is an index."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("sitemap_pages", kwargs={"section": "pages"}) + "?p=1"
    except NoReverseMatch:
        return "/sitemap.xml?p=1"


def verified_session_cookie(user) -> str:
    """A session cookie for `user` with their second factor verified (Django set up): the staff
    screens the benches time are behind it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from django.conf import settings
    from django.test import Client

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def editor_cookie() -> str:
    """A session cookie for a superuser whose second factor is verified (Django set up)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    return verified_session_cookie(user)


QUERY_COUNTS = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from bench.scale import discover, editor_cookie
pages = discover()
cookie = editor_cookie()
client, counts = Client(), {}
for label, path in pages.items():
    if label.startswith("_"):
        continue
    headers = {"HTTP_COOKIE": cookie} if path.startswith("/admin/") else {}
    client.get(path, HTTP_HOST="127.0.0.1", **headers)
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path, HTTP_HOST="127.0.0.1", **headers).status_code
    counts[label] = len(captured) if status == 200 else f"HTTP {status}"
print("RESULT" + json.dumps({"pages": pages, "counts": counts, "cookie": cookie}))
"""


def _run(args: list, env: dict) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [str(a) for a in args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{args} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def _django(code: str, env: dict) -> str:
    return _run([PYTHON, "manage.py", "shell", "-c", code], env)


def _result(out: str) -> dict:
    return json.loads(next(line for line in out.splitlines() if line.startswith("RESULT"))[len("RESULT") :])


def _fetch(base: str, path: str, cookie: str = "") -> tuple[float, int, dict]:
    headers = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
        size = len(response.read())
        return time.perf_counter() - start, size, dict(response.headers)


def measure(base: str, pages: dict, cookie: str, repeats: int = 15) -> dict:
    results = {}
    for label, path in pages.items():
        if label.startswith("_"):
            continue
        auth = cookie if path.startswith("/admin/") else ""
        _fetch(base, path, auth)
        samples = [_fetch(base, path, auth) for _ in range(repeats)]
        results[label] = {
            "p50_ms": statistics.median(s[0] for s in samples) * 1000,
            "kb": samples[-1][1] / 1024,
        }
        print(label, path, results[label], flush=True)
    return results


def environment(database: str, scratch: Path, **extra: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://postgres:postgres@127.0.0.1:5432/{database}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_MEDIA_ROOT": f"{scratch}/media",
        "DJANGO_SERVE_MEDIA": "true",
        "BENCH_STATIC_ROOT": f"{scratch}/static",
        "CLINIC_PUBLIC_URL": "http://127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
        **extra,
    }


def demo_site(env: dict) -> None:
    for command in (["migrate", "--noinput"], ["createcachetable"], ["collectstatic", "--noinput"],
                    ["load_demo_content"]):  # fmt: skip
        _run([PYTHON, "manage.py", *command], env)


def add_articles(env: dict, n: int) -> float:
    started = time.perf_counter()
    _django(f"from bench.scale import build; build({n})", env)
    built = time.perf_counter() - started
    _django("from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')", env)
    return built


def _timed(env: dict) -> dict:
    found = _result(_django(QUERY_COUNTS, env))
    with Server(PYTHON.parent / "gunicorn", "clinic.wsgi:application", REPO, env) as server:
        times = measure(server.base, found["pages"], found["cookie"])
    return {"pages": found["pages"], "counts": found["counts"], "times": times}


def _database(prefix: str) -> str:
    name = f"{prefix}_{os.getpid()}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)  # noqa: S607
    return name


def _drop(name: str) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)  # noqa: S607


def compare(args) -> None:
    database = _database(args.database_prefix)
    scratch = Path(tempfile.mkdtemp(prefix="scale-"))
    env = environment(database, scratch, PAGE_CACHE_SECONDS="0", FRAGMENT_CACHE_SECONDS="0")
    try:
        print("Building the demo clinic on PostgreSQL…", flush=True)
        demo_site(env)
        demo = _timed(env)
        print(f"Adding {args.articles:,} articles…", flush=True)
        built = add_articles(env, args.articles)
        print(f"Built in {built:.0f} s", flush=True)
        large = _timed(env)
    finally:
        if not args.keep:
            _drop(database)
    result = table(demo, large, args.articles)
    print(result)
    if not args.no_record:
        record(
            f"the public pages at {args.articles:,} articles, PostgreSQL",
            "bench/scale.py compare: production settings, PostgreSQL 15, gunicorn 2 sync workers, no Redis, "
            "page cache and fragment cache off (nothing cached); p50 of 15 after one warm-up over HTTP; "
            "queries: the test client's count of a warm view in the same database (the page explorer "
            f"as a superuser). {args.articles:,} articles built in {built:.0f} s "
            f"({large['pages']['_counts']}). 2 CPUs shared with other work.",
            result,
        )


def table(demo: dict, large: dict, n: int) -> str:
    lines = [
        f"| page (nothing cached) | demo p50 | {n:,} articles p50 | growth | queries demo / large |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, time_large in large["times"].items():
        demo_label = next((d for d in demo["times"] if d.split(" (")[0] == label.split(" (")[0]), None)
        time_demo = demo["times"].get(demo_label) if demo_label else None
        size = f", {time_large['kb']:.0f} kB" if time_large["kb"] > 100 else ""
        growth = f"{time_large['p50_ms'] / time_demo['p50_ms']:.1f}×" if time_demo else "—"
        lines.append(
            f"| {label} | {time_demo['p50_ms']:.0f} ms | {time_large['p50_ms']:.0f} ms{size} | {growth} | "
            f"{demo['counts'].get(demo_label, '—')} / {large['counts'][label]} |"
            if time_demo
            else f"| {label} | — | {time_large['p50_ms']:.0f} ms{size} | — | — / {large['counts'][label]} |"
        )
    return "\n".join(lines)


CRAWL_URLS = """
import json, re
from django.test import Client
from blog.models import BlogIndexPage
client = Client()
index = BlogIndexPage.objects.get(locale__language_code="en")
urls = []
def entries(path):
    xml = client.get(path, HTTP_HOST="127.0.0.1").content.decode()
    return re.findall(r"<loc>http://127.0.0.1([^<]*)</loc>", xml)
top = entries("/sitemap.xml")
for path in top:
    if "sitemap" in path:
        urls += entries(path)
    else:
        urls.append(path)
pages = -(-index.articles().count() // 10)
urls += [index.url + f"?page={n}" for n in range(2, pages + 1)]
print("RESULT" + json.dumps(sorted(set(urls))))
"""


def crawl(args) -> None:
    database = args.database or _database(args.database_prefix)
    # A built database's images are in the folder it was built with.
    scratch = Path(args.scratch) if args.scratch else Path(tempfile.mkdtemp(prefix="scale-crawl-"))
    extra = {"REDIS_URL": args.redis} if args.redis else {}
    if args.page_cache_seconds is not None:
        extra["PAGE_CACHE_SECONDS"] = str(args.page_cache_seconds)
    env = environment(database, scratch, **extra)
    built = 0.0
    try:
        if not args.database:
            demo_site(env)
            built = add_articles(env, args.articles)
        else:
            _run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
        urls = _result(_django(CRAWL_URLS, env))
        _django("from django.core.management import call_command; call_command('invalidate_caches')", env)
        if args.redis:
            _django("from django.core.cache import cache; cache.clear()", env)
        print(f"{len(urls):,} URLs (built in {built:.0f} s)", flush=True)
        with Server(PYTHON.parent / "gunicorn", "clinic.wsgi:application", REPO, env) as server:
            rounds = []
            for _ in range(2):
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=2) as pool:
                    headers = list(pool.map(lambda path: _fetch(server.base, path)[2], urls))
                hits = sum(1 for h in headers if h.get("X-Page-Cache") == "hit")
                rounds.append((hits, len(urls), time.perf_counter() - started))
                print(f"crawl: {hits:,} hits of {len(urls):,} in {rounds[-1][2]:.0f} s", flush=True)
        memory = ""
        if args.redis:
            # This database's keys only (the server may be shared): their memory, summed.
            memory = _django(
                "from django.core.cache import cache; c = cache._cache.get_client(); "
                "n = sum(c.memory_usage(k) or 0 for k in c.scan_iter(count=1000)); "
                "print(f'{c.dbsize():,} keys, {n / 1e6:.0f} MB')",
                env,
            ).strip()
        else:
            memory = _django(
                "from django.db import connection; c = connection.cursor(); "
                "c.execute('SELECT count(*), pg_size_pretty(pg_total_relation_size(%s)) FROM clinic_cache', "
                "['clinic_cache']); "
                "print(c.fetchone())",
                env,
            ).strip()
    finally:
        if not args.database:
            _drop(database)
    backend = f"Redis ({args.redis})" if args.redis else "the database cache"
    hits, total, seconds = rounds[1]
    line = (
        f"| {backend} | {total:,} | {rounds[0][0]:,} hits, {rounds[0][2]:.0f} s | "
        f"{hits:,} hits ({100 * hits / total:.1f} %), {seconds:.0f} s | {memory} |"
    )
    print(line)
    if not args.no_record:
        record(
            f"two crawls of every public page at {args.articles:,} articles, {backend}",
            "bench/scale.py crawl: production settings and cache defaults, PostgreSQL 15, gunicorn 2 sync "
            "workers, 2 client threads; every URL of the sitemap and every page of the blog's list, "
            "twice; hits are responses with `X-Page-Cache: hit`."
            + (
                f" PAGE_CACHE_SECONDS={args.page_cache_seconds}: longer than a first crawl takes on a loaded "
                "machine, so that what is measured is what the cache keeps."
                if args.page_cache_seconds is not None
                else ""
            ),
            "| cache | URLs | first crawl | second crawl | cache size after |\n"
            "| --- | ---: | ---: | ---: | --- |\n" + line,
        )


def record(title: str, how: str, result: str) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with (REPO / "bench" / "RESULTS.md").open("a") as out:
        out.write(f"\n## {stamp}: {title} (commit {commit})\n\n{how}\n\n{result}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["build", "compare", "crawl"])
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--redis", help="crawl: a Redis database URL (flushed)")
    parser.add_argument("--database-prefix", default="clinic_bench_scale")
    parser.add_argument("--keep", action="store_true", help="compare: keep the database")
    parser.add_argument("--database", help="crawl: an already built database (kept)")
    parser.add_argument("--scratch", help="crawl: the folder that database's media are in")
    parser.add_argument(
        "--page-cache-seconds", type=int, help="crawl: PAGE_CACHE_SECONDS if not the default (300)"
    )
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if args.command == "build":
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.dev")
        django.setup()
        started = time.perf_counter()
        build(args.articles)
        print(f"{args.articles:,} articles in {time.perf_counter() - started:.0f} s")
    elif args.command == "compare":
        compare(args)
    else:
        crawl(args)


if __name__ == "__main__":
    main()
