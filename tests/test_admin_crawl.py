"""Every admin page each staff role can reach answers without a server error, and is closed to a
password-only session of a role that needs the second factor.

The crawl discovers the pages itself: it starts at the dashboard and follows every `/admin/` URL in
each page's HTML (links, the sidebar menu's JSON, `data-*-url` attributes), breadth-first, GET only.
A new admin view, snippet, page type or report is therefore covered as soon as something links to
it, without editing this test. To stay quick, it visits each view once per page type (for page
views) or model (for the rest), plus up to two variants with other query parameters.
"""

import html
import re
import time
from collections import deque
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve
from django.utils import timezone

from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.models import Collection, Page

from blog.models import BlogPage
from booking import services
from booking.models import DiscoveryVisitPage, Notification, VisitRequest
from booking.slots import slot_value
from clinic.models import StandardPage
from tests import factories
from tests.booking.conftest import form_data

# A quoted /admin/ URL anywhere in the page, except a form's action (those are for POST).
ADMIN_URL = re.compile(r"""(?<!action=)["'](/admin/[^"'\s<>\\]*)["']""")
# GETs that end the session or only serve files; every other admin GET must be safe to make.
SKIPPED = re.compile(r"^/admin/(logout/|.*\.(js|css|png|svg|woff2?)$)")
# A view is visited once per page type, plus a few variants with other query parameters
# (sorting, filters, pagination) to cover the code they take.
QUERY_VARIANTS_PER_VIEW = 2
# Query parameters that do not change what a view does: where to go back to, which page of a list.
IGNORED_QUERY = {"next", "p"}
MAX_PAGES = 1500
# Fewer pages than this means the crawl lost its way (a login redirect, a broken menu...).
SANITY_FLOOR = {"superuser": 200, "front desk": 15, "blog editor": 65, "clinical reviewer": 80, "editor": 120}
# Where a password-only staff session that needs a second factor is sent (setup, or verify), and
# the only admin GETs it may make: those pages, the icons and the script translations they load.
TWO_FACTOR = "/admin/two-factor/"
OPEN_BEFORE_THE_SECOND_FACTOR = (TWO_FACTOR, "/admin/sprite/", "/admin/jsi18n/")
PAGE_KWARGS = {"page_id", "parent_page_id", "pk", "page_to_move_id", "destination_id"}


def _shape(path: str, query: str) -> tuple | None:
    """What makes two admin URLs the same screen for the crawl, or None if it is not one."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    # Words in the path (a model, an action) make a different screen; ids do not, except that a
    # page's type decides its editor.
    kinds = [(name, value) for name, value in sorted(match.kwargs.items()) if not str(value).isdigit()]
    if match.view_name.startswith(("wagtailadmin_pages", "wagtailadmin_explore")):
        for name, value in sorted(match.kwargs.items()):
            if name in PAGE_KWARGS and str(value).isdigit():
                page = Page.objects.filter(pk=value).select_related("content_type").first()
                kinds.append((name, page.content_type.model if page else None))
    names = tuple(sorted({name for name, _ in parse_qsl(query, keep_blank_values=True)} - IGNORED_QUERY))
    return (match.view_name or match.route, tuple(kinds)), names


def _links(response) -> list[str]:
    """The admin URLs a response points at: its redirect, or every one quoted in its HTML/JSON."""
    if response.status_code in (301, 302, 303):
        return [response["Location"]] if response["Location"].startswith("/admin/") else []
    if response.status_code != 200:
        return []
    if not response.get("Content-Type", "").startswith(("text/html", "application/json")):
        return []
    text = html.unescape(response.content.decode(errors="replace")).replace("\\u0026", "&")
    return [url.split("#")[0] for url in ADMIN_URL.findall(text)]


def crawl(client) -> dict[str, int]:
    """GET every admin URL reachable from the dashboard, once per shape; return {url: status}."""
    variants: dict[tuple, set] = {}
    statuses: dict[str, int] = {}
    queue = deque(["/admin/"])
    queued = {"/admin/"}
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        shape = _shape(urlsplit(url).path, urlsplit(url).query)
        if shape is None:
            continue
        view, query_names = shape
        seen = variants.setdefault(view, set())
        if query_names in seen or len(seen) > QUERY_VARIANTS_PER_VIEW:
            continue
        seen.add(query_names)
        try:
            response = client.get(url)
        except Exception as error:  # the test client re-raises a view's exception: that is a 500
            statuses[f"{url}  ({type(error).__name__}: {error})"] = 500
            continue
        statuses[url] = response.status_code
        for link in _links(response):
            if link not in queued and not SKIPPED.match(link):
                queued.add(link)
                queue.append(link)
    return statuses


@pytest.fixture
def admin_content(client, demo_site, django_user_model):
    """The demo site plus at least one object of everything the admin lists."""
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root")
    booking_page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    slots = booking_page.free_slots()
    client.post(booking_page.url, form_data(slot_value(slots[0].start)))
    # Four patients: the same patient sending again from this browser would be shown their booking.
    client.post(
        booking_page.url,
        form_data("none", preferred_times="Mornings", first_name="Zed", email="z@example.com"),
    )
    client.post(booking_page.url, form_data(slot_value(slots[1].start), first_name="Cancelled"))
    client.post(booking_page.url, form_data(slot_value(slots[2].start), first_name="Forgotten"))
    requests = list(VisitRequest.objects.order_by("pk"))
    services.visit_request_set_status(visit_request=requests[0], status="contacted", staff_notes="Called.")
    services.visit_request_cancel(visit_request=requests[2])
    services.visit_request_anonymise(visit_request=requests[3])
    Notification.objects.filter(pk=Notification.objects.order_by("pk").first().pk).update(
        status=Notification.Status.FAILED, last_error="Mail server refused"
    )

    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    guide.title = "A draft title"
    guide.save_revision(user=superuser)
    guide.get_workflow().start(guide, superuser)  # awaiting clinical review
    about = StandardPage.objects.filter(slug="about").first() or StandardPage.objects.first()
    about.save_revision(user=superuser, approved_go_live_at=timezone.now() + timedelta(days=3))
    services_page = StandardPage.objects.exclude(pk=about.pk).first()
    services_page.get_workflow().start(services_page, superuser)  # in moderation
    Page.objects.filter(pk=booking_page.pk).update(locked=True, locked_by=superuser, locked_at=timezone.now())

    collection = Collection.get_first_root_node().add_child(name="Team photos")
    factories.ImageFactory(title="Clinic front", collection=collection)
    Document.objects.create(title="Intake form", file=ContentFile(b"intake", name="intake.txt"))
    Redirect.objects.create(old_path="/old-guide", redirect_page=guide)
    return superuser


def _member(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_every_admin_page_each_role_reaches_answers_without_a_server_error(
    client, admin_content, django_user_model, settings
):
    roles = {
        "superuser": admin_content,
        "front desk": _member(django_user_model, "desk", "Front desk"),
        "blog editor": _member(django_user_model, "writer", "Blog editors"),
        "clinical reviewer": _member(django_user_model, "reviewer", "Clinical reviewers"),
        "editor": _member(django_user_model, "editor", "Editors"),
    }
    errors, counts, reached = [], {}, {}
    for role, user in roles.items():
        client.force_login(user)
        started, cpu = time.monotonic(), time.process_time()
        statuses = crawl(client)
        counts[role] = len(statuses)
        reached[role] = [url for url, status in statuses.items() if status == 200]
        errors += [f"{role}: {status} {url}" for url, status in statuses.items() if status >= 500]
        print(  # noqa: T201
            f"admin crawl: {role} reached {counts[role]} pages in {time.monotonic() - started:.1f} s "
            f"({time.process_time() - cpu:.1f} s CPU)"
        )
        client.logout()
    assert errors == [], "\n".join(errors)
    short = {role: n for role, n in counts.items() if n < SANITY_FLOOR[role]}
    assert short == {}, f"fewer admin pages than expected (floors {SANITY_FLOOR}): {counts}"

    # Every one of those pages is behind the second factor for the roles that need one (issue 15):
    # with it required, as in production, a password-only session of theirs opens none of them.
    settings.STAFF_2FA_REQUIRED = True
    unguarded = []
    for role in ("superuser", "front desk"):
        client.force_login(roles[role])
        for url in reached[role]:
            if url.startswith(OPEN_BEFORE_THE_SECOND_FACTOR):
                continue
            response = client.get(url)
            if response.status_code == 200 or not response.get("Location", "").startswith(TWO_FACTOR):
                unguarded.append(f"{role}: {response.status_code} {url}")
        client.logout()
    assert unguarded == [], "\n".join(unguarded)
    guarded = sum(len(reached[role]) for role in ("superuser", "front desk"))
    print(f"admin crawl: {guarded} pages behind the second factor")  # noqa: T201
