"""Each file of deploy/ on its own, in front of a server that echoes what reaches it: what nginx,
Varnish and gunicorn pass on of a request a client forged (SCRIPT_NAME, PURGE, BAN, X-Real-IP,
tracking parameters), each without counting on the next hop; and Redis's memory bound.
test_deployed_security.py tries the whole chain in front of the site."""

from __future__ import annotations

import subprocess
import tempfile

import pytest
import requests

from tests.booking.live_server import BIN, ROOT, free_port
from tests.scale.services import (
    DEPLOY,
    echo_server,
    nginx,
    redis_server,
    stop,
    varnish,
    wait_until,
)

pytestmark = [pytest.mark.xdist_group("scale"), pytest.mark.multiserver]

HOST = "www.example-clinic.com"
# gunicorn's name for the header, its other spellings, and the other WSGI keys it could set.
FORGED = {
    "SCRIPT_NAME": "/x",
    "Script_Name": "/x",
    "Script-Name": "/x",
    "PATH_INFO": "/admin/",
    "Path-Info": "/admin/",
    "REMOTE_USER": "admin",
}


def received_headers(response: requests.Response) -> set[str]:
    """The names of the headers that reached the echo server, lower case, as sent."""
    assert response.status_code == 200, response.text[:500]
    return {name.lower() for name in response.json()["headers"]}


# nginx (deploy/nginx.conf)


@pytest.fixture(scope="session")
def nginx_alone():
    with echo_server() as echo, nginx(echo) as server:
        yield server


def test_nginx_passes_on_no_header_with_an_underscore(nginx_alone):
    seen = received_headers(nginx_alone.get("/about/", headers=FORGED))
    assert [name for name in seen if "_" in name] == []


def test_nginx_passes_on_no_dashed_script_name(nginx_alone):
    assert "script-name" not in received_headers(nginx_alone.get("/about/", headers=FORGED))


@pytest.mark.parametrize("method", ["PURGE", "BAN", "PUT", "DELETE"])
def test_nginx_refuses_methods_the_site_does_not_answer(nginx_alone, method):
    assert nginx_alone.get("/", method=method).status_code == 405


@pytest.mark.parametrize(
    ("path", "served"),
    [
        ("images/photo.max-800x600.jpg", True),
        ("original_images/abc/photo.jpg", False),
        ("documents/x.pdf", False),
    ],
)
def test_nginx_serves_renditions_from_disk_and_no_originals_or_documents(nginx_alone, path, served):
    file = nginx_alone.media / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"uploaded")
    assert nginx_alone.get(f"/media/{path}").status_code == (200 if served else 404)


def test_nginx_overwrites_the_client_address_header(nginx_alone):
    echoed = nginx_alone.get("/", headers={"X-Real-IP": "203.0.113.9"}).json()["headers"]
    assert echoed["X-Real-IP"] == "127.0.0.1"


def test_nginx_passes_the_site_name_and_scheme(nginx_alone):
    echoed = nginx_alone.get("/about/?q=hip").json()
    assert echoed["headers"]["Host"] == HOST
    assert echoed["headers"]["X-Forwarded-Proto"] == "https"
    assert echoed["path"] == "/about/?q=hip"


def test_nginx_redirects_plain_http_to_https(nginx_alone):
    response = requests.get(
        f"http://127.0.0.1:{nginx_alone.http_port}/about/",
        headers={"Host": "example-clinic.com"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.headers["Location"] == f"https://{HOST}/about/"


# Varnish (deploy/varnish.vcl)


@pytest.fixture(scope="session")
def varnish_alone():
    port, purge_port = free_port(), free_port()
    with echo_server() as echo, varnish([echo], port=port, purge_port=purge_port, host=HOST) as url:
        yield url, f"http://127.0.0.1:{purge_port}"


def test_varnish_passes_on_no_script_name_however_spelled(varnish_alone):
    public, _ = varnish_alone
    seen = received_headers(requests.get(public + "/hop/script-name/", headers=FORGED, timeout=10))
    forged = {name.lower() for name in FORGED}
    assert seen & forged == set()


def test_varnish_drops_the_parameters_no_page_reads_and_sorts_the_rest(varnish_alone):
    public, _ = varnish_alone
    url = public + "/hop/query/?utm_source=mail&q=hip+pain&fbclid=x&page=2&gclid=y"
    assert requests.get(url, timeout=10).json()["path"] == "/hop/query/?page=2&q=hip+pain"


def test_varnish_passes_sign_in_pages_their_whole_query_string(varnish_alone):
    public, _ = varnish_alone
    url = public + "/_util/login/?next=/private/&utm_source=mail"
    assert requests.get(url, timeout=10).json()["path"] == "/_util/login/?next=/private/&utm_source=mail"


def test_varnish_never_passes_on_the_browser_language(varnish_alone):
    """The path says the language: a cached page must not depend on a header the key ignores."""
    public, _ = varnish_alone
    response = requests.get(public + "/hop/language/", headers={"Accept-Language": "es-US,es"}, timeout=10)
    assert "accept-language" not in received_headers(response)


def test_varnish_keeps_each_language_in_its_own_entry(varnish_alone):
    public, _ = varnish_alone
    requests.get(public + "/hop/lang/", timeout=10)
    spanish = requests.get(public + "/es/hop/lang/", headers={"Accept-Language": "en"}, timeout=10)
    assert spanish.headers["X-Cache"] == "MISS"
    assert spanish.json()["path"] == "/es/hop/lang/"


@pytest.mark.parametrize("method", ["PURGE", "BAN"])
def test_varnish_refuses_purge_and_ban_from_visitors(varnish_alone, method):
    public, _ = varnish_alone
    assert requests.request(method, public + "/", timeout=10).status_code == 405


def test_varnish_bans_on_its_purge_listener(varnish_alone):
    public, purge = varnish_alone
    requests.get(public + "/hop/ban/", timeout=10)
    assert requests.get(public + "/hop/ban/", timeout=10).headers["X-Cache"] == "HIT"
    assert requests.request("BAN", purge + "/", headers={"Host": "127.0.0.1"}, timeout=10).status_code == 200
    assert requests.get(public + "/hop/ban/", timeout=10).headers["X-Cache"] == "MISS"


def test_varnish_purges_one_url_on_its_purge_listener(varnish_alone):
    public, purge = varnish_alone
    for path in ("/hop/purge/", "/hop/kept/"):
        requests.get(public + path, timeout=10)
    purged = requests.request("PURGE", purge + "/hop/purge/", headers={"Host": "127.0.0.1"}, timeout=10)
    assert purged.status_code == 200
    assert requests.get(public + "/hop/purge/", timeout=10).headers["X-Cache"] == "MISS"
    assert requests.get(public + "/hop/kept/", timeout=10).headers["X-Cache"] == "HIT"


# gunicorn (deploy/gunicorn.conf.py)


@pytest.fixture(scope="session")
def gunicorn_alone():
    """gunicorn as deploy/systemd/clinic-web@.service runs it, serving a WSGI app that answers
    with the environ gunicorn built."""
    port = free_port()
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(BIN / "gunicorn"),
            "--config",
            str(DEPLOY / "gunicorn.conf.py"),
            "tests.scale.echo_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: requests.get(url, timeout=5).ok, timeout=60, what="gunicorn", process=process, log=log
        )
        yield url
    finally:
        stop(process)
        log.close()


def test_gunicorn_takes_no_script_name_from_a_header_even_from_loopback(gunicorn_alone):
    environ = requests.get(gunicorn_alone + "/x/admin/", headers=FORGED, timeout=10).json()
    assert environ["SCRIPT_NAME"] == ""
    assert environ["PATH_INFO"] == "/x/admin/"


def test_gunicorn_trusts_no_scheme_header(gunicorn_alone):
    # Django reads X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER); gunicorn decides nothing.
    environ = requests.get(gunicorn_alone + "/", headers={"X-Forwarded-Proto": "https"}, timeout=10).json()
    assert environ["wsgi.url_scheme"] == "http"


# Redis (deploy/redis.conf)


def test_redis_as_configured_evicts_instead_of_refusing_writes_when_full():
    with redis_server() as client:
        assert client.config_get("maxmemory") == {"maxmemory": str(256 * 1024 * 1024)}
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
        # The same policy under a small bound: 8 MB written into 2 MB, and no write refused.
        client.config_set("maxmemory", "2mb")
        for n in range(400):
            client.set(f"pagecache:/blog/?utm_source={n}", b"x" * 20_000)
        assert client.dbsize() < 400
