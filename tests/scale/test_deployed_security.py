"""The installation as docs/deployment.md deploys it (nginx with TLS -> Varnish -> two gunicorn
instances, production settings), tried from loopback as an attacker would (issue 15): nobody but
the site purges or bans the front cache; a SCRIPT_NAME header chooses nothing at any hop; every
host name the site answers to is invalidated with it; documents follow pages; query parameters
no page reads neither split the caches nor fill Redis.

Each hop on its own, against a server that echoes what it receives, is in test_deploy_config.py."""

from __future__ import annotations

import json
import re
import socket
import ssl
import uuid

import pytest
import redis
import requests

from tests.booking.live_server import ON_POSTGRES
from tests.scale.cluster import HOST, OTHER_HOST, REDIS_URL, STAFF_PASSWORD, Staff

pytestmark = [
    pytest.mark.xdist_group("scale"),
    pytest.mark.multiserver,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="the installation runs on PostgreSQL: set DATABASE_URL=postgres://..."
    ),
]


def title_of(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def raw_request(url: str, method: str, *, source: str, path: str = "/", host: str = HOST) -> int:
    """One HTTP request from a chosen loopback address (all of 127/8 reaches 127.0.0.1)."""
    address, port = url.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=10, source_address=(source, 0)) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        return int(sock.recv(200).split()[1])


PAGES = [
    "Knee care PURGE",
    "Knee care BAN",
    "Pilates for runners",
    "Staff rota",
    "Running form clinic",
    "Hill running",
]
DOCUMENTS = ["exercises", "handout"]


@pytest.fixture(scope="module")
def content(cluster) -> dict[str, str]:
    """A live page of its own (under home) for each test that changes or counts one, so that no
    other test's change shows on it, and two documents: title -> path. One `manage.py shell`
    for all of them (each costs seconds)."""
    suffix = uuid.uuid4().hex[:6]
    created = cluster.shell(
        "import json; from django.core.files.base import ContentFile; "
        "from wagtail.documents.models import Document; "
        "from clinic.models import HomePage, StandardPage; "
        "home = HomePage.objects.get(locale__language_code='en'); paths = {}\n"
        f"for title in {PAGES!r}:\n"
        "    slug = title.lower().replace(' ', '-')\n"
        "    home.add_child(instance=StandardPage(title=title, slug=slug)).save_revision().publish()\n"
        "    paths[title] = f'/{slug}/'\n"
        f"for title in {DOCUMENTS!r}:\n"
        f"    d = Document.objects.create(title=title, file=ContentFile(b'Hip bridges: 3 x 10', "
        f"name=f'{{title}}-{suffix}.txt'))\n"
        "    paths[title] = d.url\n"
        "print(json.dumps(paths))"
    )
    return json.loads(created.strip().splitlines()[-1])


def cached_twice(get, path: str, **kwargs) -> requests.Response:
    first = get(path, **kwargs)
    assert first.status_code == 200, first.text[:500]
    return get(path, **kwargs)


# 1. Nobody but the site purges or bans Varnish


@pytest.mark.parametrize("method", ["PURGE", "BAN"])
def test_a_client_cannot_purge_or_ban_through_nginx(cluster, content, method):
    path = content[f"Knee care {method}"]
    assert cached_twice(cluster.nginx.get, path).headers["X-Cache"] == "HIT"
    assert cluster.nginx.get(path, method=method).status_code == 405
    assert cluster.nginx.get(path).headers["X-Cache"] == "HIT"


@pytest.mark.parametrize("method", ["PURGE", "BAN"])
def test_varnish_refuses_purge_and_ban_on_the_visitors_listener_even_from_loopback(cluster, method):
    # Where nginx connects from: an address says nothing about who sent the request.
    assert raw_request(cluster.varnish, method, source="127.0.0.1") == 405


@pytest.mark.parametrize("method", ["PURGE", "BAN"])
def test_the_purge_listener_takes_purge_and_ban_from_the_sites_servers_only(cluster, method):
    assert raw_request(cluster.purge, method, source="127.0.0.2") == 403
    assert raw_request(cluster.purge, method, source="127.0.0.1") == 200


def test_the_purge_listener_serves_no_pages(cluster):
    assert raw_request(cluster.purge, "GET", source="127.0.0.1", path="/about/") == 405


def test_publishing_through_nginx_still_purges_varnish(cluster, content):
    path = content["Pilates for runners"]
    assert cached_twice(cluster.nginx.get, path).headers["X-Cache"] == "HIT"
    new_title = f"Pilates for runners, revised {uuid.uuid4().hex[:6]}"
    page_id = cluster.shell(
        f"from wagtail.models import Page; p = Page.objects.get(url_path__endswith='{path}').specific; "
        f"p.title = '{new_title}'; p.save_revision(); print(p.pk)"
    ).split()[-1]
    staff = Staff(cluster.nginx.base_url, session=cluster.nginx.session())
    staff.log_in()
    staff.publish(int(page_id))
    assert title_of(cluster.nginx.get(path).text) == new_title


# 3. A SCRIPT_NAME header chooses nothing


FORGED_SCRIPT_NAMES = {"SCRIPT_NAME": "/privacy", "Script_Name": "/privacy", "Script-Name": "/privacy"}


def test_a_script_name_header_through_the_chain_neither_changes_the_page_nor_is_cached(cluster):
    privacy = title_of(requests.get(cluster.a + "/privacy/", timeout=30).text)
    forged = cluster.nginx.get("/privacy/", headers=FORGED_SCRIPT_NAMES)
    assert title_of(forged.text) == privacy
    assert title_of(cluster.nginx.get("/privacy/").text) == privacy


@pytest.mark.parametrize("hop", ["varnish", "a"])
def test_a_script_name_header_sent_straight_to_a_hop_changes_nothing(cluster, hop):
    privacy = title_of(requests.get(cluster.b + "/privacy/", timeout=30).text)
    base = getattr(cluster, hop)
    forged = requests.get(base + "/privacy/", headers={"Host": HOST, **FORGED_SCRIPT_NAMES}, timeout=30)
    assert title_of(forged.text) == privacy


@pytest.fixture(scope="module")
def front_desk(cluster):
    """A Front desk member signed in with their password only (no second factor yet)."""
    cluster.shell(
        "from django.contrib.auth.models import Group, User; "
        f"u = User.objects.create_user('front', 'front@example.com', '{STAFF_PASSWORD}'); "
        "u.groups.add(Group.objects.get(name='Front desk'))"
    )
    staff = Staff(cluster.a, username="front")
    staff.log_in()
    return staff


@pytest.mark.parametrize("hop", ["varnish", "a"])
def test_a_script_name_header_does_not_take_a_password_only_session_past_the_second_factor(
    cluster, front_desk, hop
):
    # The audit's export of every patient: /x/admin/... with SCRIPT_NAME: /x, sent to Varnish
    # (which passed the header on) or to gunicorn (which trusted it from loopback). The Host is
    # the address asked (requests would not send the session cookie under another name).
    export = front_desk.session.get(
        getattr(cluster, hop) + "/x/admin/visit-requests/?export=csv",
        headers={"SCRIPT_NAME": "/x"},
        allow_redirects=False,
        timeout=30,
    )
    assert not export.headers.get("Content-Type", "").startswith("text/csv")
    assert export.status_code == 404


# 6. Every host name the site answers to; documents follow pages


def test_a_page_made_login_only_is_no_longer_served_under_any_host_name(cluster, content):
    path = content["Staff rota"]
    hosts = [HOST, OTHER_HOST, "127.0.0.1"]
    for host in hosts:
        assert cached_twice(cluster.through_varnish, path, host=host).headers["X-Cache"] == "HIT"
    cluster.shell(
        "from wagtail.models import Page, PageViewRestriction; "
        f"PageViewRestriction.objects.create(page=Page.objects.get(url_path__endswith='{path}'), "
        "restriction_type='login')"
    )
    for host in hosts:
        response = cluster.through_varnish(path, host=host)
        assert "Staff rota" not in response.text, host
        assert response.status_code == 302, host


def test_nginx_sends_the_bare_domain_to_www(cluster):
    response = cluster.nginx.get("/about/?utm_source=x", name=OTHER_HOST)
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}/about/?utm_source=x"


def test_nginx_shows_no_certificate_for_any_other_name(cluster):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", cluster.nginx.https_port), timeout=10) as sock,
        pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"),
    ):
        context.wrap_socket(sock, server_hostname="clinic.attacker.example")


def test_a_document_moved_to_a_private_collection_is_no_longer_served(cluster, content):
    url = content["exercises"]
    cached = cached_twice(cluster.nginx.get, url)
    assert cached.headers["X-Cache"] == "HIT"
    cluster.shell(
        "from wagtail.documents.models import Document; "
        "from wagtail.models import Collection, CollectionViewRestriction; "
        f"private = Collection.get_first_root_node().add_child(name='Staff only {uuid.uuid4().hex[:6]}'); "
        "CollectionViewRestriction.objects.create(collection=private, restriction_type='login'); "
        f"d = Document.objects.get(file__endswith='{url.rsplit('/', 1)[1]}'); "
        "d.collection = private; d.save()"
    )
    response = cluster.nginx.get(url)
    assert response.status_code == 302
    assert "/_util/login/" in response.headers["Location"]


def test_a_deleted_document_is_no_longer_served(cluster, content):
    url = content["handout"]
    assert cached_twice(cluster.nginx.get, url).headers["X-Cache"] == "HIT"
    cluster.shell(
        "from wagtail.documents.models import Document; "
        f"Document.objects.get(file__endswith='{url.rsplit('/', 1)[1]}').delete()"
    )
    assert cluster.nginx.get(url).status_code == 404


# 10. Query strings nobody reads


def test_tracking_parameters_do_not_split_the_front_cache(cluster, content):
    path = content["Running form clinic"]
    cluster.nginx.get(path + "?utm_source=newsletter")
    assert cluster.nginx.get(path + "?fbclid=abc&utm_source=ads").headers["X-Cache"] == "HIT"


def test_a_page_number_keeps_an_entry_of_its_own_in_the_front_cache(cluster):
    cluster.nginx.get("/blog/?utm_source=x")
    assert cluster.nginx.get("/blog/?page=2&utm_source=x").headers["X-Cache"] == "MISS"
    assert cluster.nginx.get("/blog/?gclid=y&page=2").headers["X-Cache"] == "HIT"


def test_a_hundred_tracking_parameters_store_one_page_in_redis(cluster, content):
    # Straight to gunicorn: Varnish would drop the parameters before Django saw them.
    path = content["Hill running"]
    with requests.Session() as session:
        for n in range(100):
            assert session.get(f"{cluster.a}{path}?utm_source={n}", timeout=30).status_code == 200
    port = cluster.a.rsplit(":", 1)[1]
    keys = redis.Redis.from_url(REDIS_URL).keys(
        f"{cluster.env['DJANGO_CACHE_KEY_PREFIX']}:1:pagecache:http://127.0.0.1:{port}{path}*"
    )
    assert len(keys) == 1
