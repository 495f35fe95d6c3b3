"""A Warkat installation of several hosts on this machine, with real parts.

Used by the multi-host and fault tests (``tests/ops``) and the load test
(``bench/morning.py``): its own PostgreSQL cluster (``initdb`` + ``pg_ctl`` in a
temporary directory, on a port of its own, so stopping it disturbs nothing else),
an S3 server (``moto_server``) behind a small proxy that can make the store
unavailable or full, app hosts (gunicorn) and task workers (``manage.py
task_worker``), all from the same environment, each host with its own
``WARKAT_VAR_DIR`` (nothing may rely on another host's disk).

``Cluster`` starts and stops the whole; ``RoundRobin`` is an HTTP client that sends
each request to the next host. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from bench.setup_cache import cache_lock, fingerprint
from warkat.sso.keys import new_key_pem

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("WARKAT_PG_BIN", "/usr/lib/postgresql/15/bin"))
BUCKET = "warkat-files"
#: Where migrated databases and collected static files are kept between runs.
CACHE = Path(os.environ.get("WARKAT_CLUSTER_CACHE", PROJECT / "var" / "cluster-cache"))
#: Approved drafts waiting for each signer in the seeded database (the tests').
DRAFTS = 3


LOGIN = "/akun/login/"
SECRET = "multi-host-test-key-the-same-on-every-host-0123456789"


def wait_for(check: Any, *, timeout: float, what: str, every: float = 0.2) -> Any:
    """Call ``check`` until it returns a true value; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception as exc:  # still starting
            last = exc
        else:
            if value:
                return value
        time.sleep(every)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s ({last!r})")


def _as_postgres() -> dict[str, Any]:
    """``initdb`` and ``postgres`` refuse to run as root: run them as ``postgres``."""
    return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}


# --- PostgreSQL ---------------------------------------------------------------------
class Postgres:
    """A PostgreSQL cluster of its own in ``root``, listening on ``port``."""

    def __init__(self, root: Path, port: int, *, durable: bool = False) -> None:
        self.root, self.port, self.durable = root, port, durable
        self.home = root / "pg"
        self.data = self.home / "data"

    def init(self) -> None:
        self.home.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        subprocess.run(
            [PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--no-instructions"],
            check=True, capture_output=True, **_as_postgres(),
        )  # fmt: skip
        conf = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.home}'",
            "max_connections = 200",
            "shared_buffers = 64MB",
        ]
        if not self.durable:  # a test's throw-away data: no need to survive a crash
            conf += [
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
            ]
        with (self.data / "postgresql.conf").open("a") as fh:
            fh.write("\n".join(conf) + "\n")

    def configure(self) -> None:
        """Point a copied data directory at this cluster's port and socket folder
        (later lines of ``postgresql.conf`` win)."""
        with (self.data / "postgresql.conf").open("a") as fh:
            fh.write(f"port = {self.port}\nunix_socket_directories = '{self.home}'\n")
        (self.data / "postmaster.pid").unlink(missing_ok=True)

    def start(self) -> None:
        subprocess.run(
            [PG_BIN / "pg_ctl", "-D", self.data, "-l", self.home / "pg.log", "-w",
             "-t", "60", "start"],
            # Not captured: the server inherits the pipes and would hold them open.
            check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, **_as_postgres(),
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            [PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"],
            check=False, capture_output=True, **_as_postgres(),
        )  # fmt: skip

    def sql(self, statement: str, db: str = "postgres") -> str:
        out = subprocess.run(
            [PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U",
             "postgres", "-d", db, "-Atqc", statement],
            capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode:
            raise RuntimeError(f"psql failed: {out.stderr.strip()}\n{statement}")
        return out.stdout.strip()

    def url(self, user: str = "warkat_app", db: str = "warkat") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{db}"


# --- object storage -----------------------------------------------------------------
class FaultProxy(ThreadingHTTPServer):
    """An HTTP proxy in front of the S3 server. ``mode``: ``"ok"`` forwards,
    ``"down"`` drops every connection unanswered, ``"full"`` refuses writes (PUT,
    POST) as MinIO does when its disk is full (507 ``XMinioStorageFull``)."""

    daemon_threads = True

    def __init__(self, port: int, upstream: int) -> None:
        self.upstream = upstream
        self.mode = "ok"
        super().__init__(("127.0.0.1", port), _ProxyHandler)


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultProxy

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        mode = self.server.mode
        if mode == "down":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "full" and self.command in {"PUT", "POST"}:
            error = (
                b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>'
                b"XMinioStorageFull</Code><Message>Storage backend has reached its"
                b" minimum free drive threshold.</Message></Error>"
            )
            self.send_response(507)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(error)))
            self.end_headers()
            self.wfile.write(error)
            return
        upstream = http.client.HTTPConnection(
            "127.0.0.1", self.server.upstream, timeout=60
        )
        try:
            headers = {
                k: v for k, v in self.headers.items() if k.lower() != "connection"
            }
            upstream.request(self.command, self.path, body=body, headers=headers)
            reply = upstream.getresponse()
            data = reply.read()
            self.send_response(reply.status, reply.reason)
            for key, value in reply.getheaders():
                if key.lower() not in {
                    "connection",
                    "transfer-encoding",
                    "content-length",
                }:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


class ObjectStore:
    """``moto_server`` (S3) on ``port``, reached through a ``FaultProxy`` on
    ``port + 1``; the bucket is private (moto checks signatures with
    ``INITIAL_NO_AUTH_ACTION_COUNT``, see ``start``)."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.proxy = FaultProxy(port + 1, port)
        self.process: subprocess.Popen[bytes] | None = None
        self.credentials: dict[str, str] = {}

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port + 1}"

    def start(self) -> None:
        """Start the server with request signatures checked: the first three
        (unsigned) calls create the app's IAM user, its key and its policy; every
        later request needs that key."""
        import boto3

        log = (self.root / "moto.log").open("ab")
        self.process = subprocess.Popen(
            [BIN / "moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"},
        )  # fmt: skip
        threading.Thread(target=self.proxy.serve_forever, daemon=True).start()
        wait_for(
            lambda: requests.get(f"http://127.0.0.1:{self.port}/moto-api/", timeout=2).ok,
            timeout=30, what="moto_server",
        )  # fmt: skip
        iam = boto3.client(
            "iam", endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
            aws_access_key_id="setup", aws_secret_access_key="setup",
        )  # fmt: skip
        iam.create_user(UserName="warkat")
        key = iam.create_access_key(UserName="warkat")["AccessKey"]
        self.credentials = {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}  # fmt: skip
        iam.put_user_policy(
            UserName="warkat", PolicyName="files", PolicyDocument=json.dumps(policy)
        )
        self.client().create_bucket(Bucket=BUCKET)

    def client(self, **config: Any) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
            aws_access_key_id=self.credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.credentials["AWS_SECRET_ACCESS_KEY"],
            config=Config(s3={"addressing_style": "path"}, **config),
        )  # fmt: skip

    def object_keys(self) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]

    def stop(self) -> None:
        self.proxy.shutdown()
        self.proxy.server_close()
        if self.process is not None:
            _kill_group(self.process, signal.SIGTERM)


# --- processes ------------------------------------------------------------------------
def _kill_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


class Service:
    """A process (gunicorn app host or task worker) of its own process group."""

    def __init__(self, name: str, argv: list[Any], env: dict[str, str], root: Path):
        self.name, self.argv, self.env, self.root = name, argv, env, root
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.root / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [str(a) for a in self.argv], cwd=PROJECT, env=self.env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL the process and its children: no clean-up of any kind."""
        if self.process is not None:
            _kill_group(self.process, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _kill_group(self.process, signal.SIGTERM)

    def log(self) -> str:
        path = self.root / f"{self.name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class AppHost(Service):
    def __init__(self, name: str, port: int, env: dict[str, str], root: Path, *,
                 workers: int = 2, threads: int = 4) -> None:  # fmt: skip
        self.port = port
        super().__init__(
            name,
            [BIN / "gunicorn", "warkat.config.wsgi", "-b", f"127.0.0.1:{port}",
             "--workers", workers, "--threads", threads, "--timeout", "60",
             "--graceful-timeout", "5", "--keep-alive", "30", "--no-control-socket"],
            env, root,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        super().start()
        wait_for(
            lambda: requests.get(f"{self.url}/healthz", timeout=2).ok,
            timeout=60, what=self.name,
        )  # fmt: skip


# --- the whole installation -----------------------------------------------------------
class Cluster:
    """PostgreSQL, the object store, ``hosts`` app hosts and ``workers`` task workers
    on ports ``base`` … ``base + 19``. ``people``: a generated organisation of that
    many people with accounts in the seeded tenant (the load test's)."""

    def __init__(self, base: int, *, hosts: int = 2, workers: int = 2,
                 durable: bool = False, gunicorn_workers: int = 2, drafts: int = DRAFTS,
                 people: int = 0,
                 extra_env: dict[str, str] | None = None) -> None:  # fmt: skip
        self.drafts, self.people = drafts, people
        self.root = Path(tempfile.mkdtemp(prefix="warkat-cluster-"))
        self.root.chmod(0o755)  # PostgreSQL runs as its own user
        self.pg = Postgres(self.root, base, durable=durable)
        self.store = ObjectStore(self.root, base + 2)
        self.env = self._environment(extra_env or {})
        self.hosts = [
            AppHost(f"app{i}", base + 10 + i, self.host_env(f"app{i}"), self.root,
                    workers=gunicorn_workers)
            for i in range(hosts)
        ]  # fmt: skip
        self.workers = [
            Service(f"worker{i}", [sys.executable, "manage.py", "task_worker",
                    "--queue-name", "*", "--interval", "0.2", "--no-startup-delay",
                    "--worker-id", f"worker{i}-{os.getpid()}-{time.time_ns()}"],
                    self.host_env(f"worker{i}"), self.root)
            for i in range(workers)
        ]  # fmt: skip
        self.seed: dict[str, Any] = {}

    _oidc_key = functools.cached_property(lambda self: new_key_pem())

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "SYSTEMROOT"}
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(
            PYTHONPATH=str(PROJECT),
            DATABASE_URL=self.pg.url(),
            WARKAT_SECRET_KEY=SECRET,
            WARKAT_OIDC_KEY=self._oidc_key,  # one for every host, as in production
            WARKAT_ALLOWED_HOSTS="127.0.0.1,localhost",
            WARKAT_S3_BUCKET=BUCKET,
            WARKAT_S3_ENDPOINT_URL=self.store.endpoint,
            WARKAT_S3_REGION="us-east-1",
            WARKAT_S3_TIMEOUT="3",
            WARKAT_S3_ATTEMPTS="2",
            AWS_EC2_METADATA_DISABLED="true",
            WARKAT_LOG_LEVEL="WARNING",
            WARKAT_RETRY_AFTER_SECONDS="5",
            WARKAT_TASK_RETRY_SECONDS="1",
            WARKAT_WORKER_STALE_SECONDS="6",
            WARKAT_HEARTBEAT_STALE_SECONDS="60",
        )
        env.update(extra)
        return env

    def host_env(self, name: str) -> dict[str, str]:
        """The shared environment, with this host's own (and only its own) disk."""
        var = self.root / name / "var"
        var.mkdir(parents=True)
        return {**self.env, "WARKAT_VAR_DIR": str(var),
                "WARKAT_MEDIA_ROOT": str(var / "media")}  # fmt: skip

    def manage(self, *args: str, env: dict[str, str] | None = None,
               timeout: float = 600) -> str:  # fmt: skip
        out = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT, env=env or self.env,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if out.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{out.stderr[-4000:]}"
            )
        return out.stdout

    def start(self) -> None:
        self.store.start()
        for env in [self.env, *(s.env for s in [*self.hosts, *self.workers])]:
            env.update(self.store.credentials)
        self._database()
        self._static()
        for service in [*self.hosts, *self.workers]:
            service.start()

    def _database(self) -> None:
        """A migrated, seeded database: made once per version of the migrations and
        the seed (a minute or two), then copied from ``CACHE`` (a second)."""
        version = fingerprint(
            "warkat/**/migrations/*.py", "bench/cluster_seed.py", "warkat/*/hashers.py",
            *(("bench/cluster_people.py", "bench/orgdata.py") if self.people else ()),
        )  # fmt: skip
        cached = CACHE / f"db-{version}-{self.drafts}-{self.people}"
        with cache_lock(cached):
            self._database_from(cached)
        self.seed = json.loads((cached / "seed.json").read_text())
        self.pg.start()

    def _database_from(self, cached: Path) -> None:
        if not cached.exists():
            self.pg.init()
            self.pg.start()
            self.pg.sql("CREATE ROLE warkat_app LOGIN NOSUPERUSER NOBYPASSRLS")
            self.pg.sql("CREATE DATABASE warkat OWNER warkat_app")
            self.manage("migrate", "--no-input", "-v0")
            self.manage("createcachetable", "-v0")
            out = subprocess.run(
                [sys.executable, "-m", "bench.cluster_seed", "--drafts", str(self.drafts),
                 "--people", str(self.people)],
                cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=900,
            )  # fmt: skip
            if out.returncode:
                raise RuntimeError(f"seeding failed:\n{out.stderr[-4000:]}")
            seed = out.stdout.strip().splitlines()[-1]
            self.pg.stop()
            making = cached.with_name(cached.name + f".{os.getpid()}")
            making.mkdir(parents=True)
            subprocess.run(["cp", "-a", self.pg.data, making / "data"], check=True)
            (making / "seed.json").write_text(seed)
            for key in self.store.object_keys():
                target = making / "objects" / key
                target.parent.mkdir(parents=True, exist_ok=True)
                self.store.client().download_file(BUCKET, key, str(target))
            making.rename(cached)
        else:
            self.pg.home.mkdir(parents=True)
            subprocess.run(["cp", "-a", cached / "data", self.pg.data], check=True)
            if os.geteuid() == 0:
                shutil.chown(self.pg.home, "postgres", "postgres")
            self.pg.configure()
            objects = cached / "objects"
            for path in objects.rglob("*") if objects.exists() else []:
                if path.is_file():
                    key = str(path.relative_to(objects))
                    self.store.client().upload_file(str(path), BUCKET, key)

    def _static(self) -> None:
        """``collectstatic`` runs on every app host (README); its output depends only
        on the static sources, so it is made once per version and copied."""
        cached = (
            CACHE
            / f"static-{fingerprint('warkat/**/static/**/*', 'warkat/webroot/**/*')}"
        )
        with cache_lock(cached):
            if not cached.exists():
                self._collectstatic(cached)
        for host in self.hosts:
            shutil.copytree(
                cached / "static", Path(host.env["WARKAT_VAR_DIR"]) / "static"
            )

    def _collectstatic(self, cached: Path) -> None:
        making = cached.with_suffix(f".{os.getpid()}")
        self.manage(
            "collectstatic", "--no-input", "-v0",
            env={**self.env, "WARKAT_VAR_DIR": str(making)},
        )  # fmt: skip
        making.rename(cached)

    def stop(self) -> None:
        # Throw-away processes: killed at once, all together (a graceful stop of
        # each in turn takes half a minute).
        for service in [*self.workers, *self.hosts]:
            if service.process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(service.process.pid, signal.SIGKILL)
        for service in [*self.workers, *self.hosts]:
            with contextlib.suppress(Exception):
                service.kill()
        with contextlib.suppress(Exception):
            self.store.stop()
        self.pg.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> RoundRobin:
        return RoundRobin([h.url for h in self.hosts])

    def connections(self) -> int:
        """Connections of the app role open in the database now."""
        return int(self.pg.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = 'warkat_app'"
        ))  # fmt: skip

    def queue_depth(self) -> int:
        return int(self.pg.sql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'",
            db="warkat",
        ))  # fmt: skip


@contextlib.contextmanager
def running_cluster(base: int, **kwargs: Any) -> Iterator[Cluster]:
    cluster = Cluster(base, **kwargs)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


# --- the client ---------------------------------------------------------------------
class RoundRobin:
    """HTTP sessions sharing one cookie jar, each request to the next host (or to
    ``host=i``): what a load balancer without sticky sessions does."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.session = requests.Session()
        self._next = itertools.cycle(range(len(urls)))
        self._lock = threading.Lock()
        self.token: str | None = None

    def url(self, path: str, host: int | None = None) -> str:
        if host is None:
            with self._lock:
                host = next(self._next)
        return self.urls[host] + path

    def request(self, method: str, path: str, *, host: int | None = None,
                **kwargs: Any) -> requests.Response:  # fmt: skip
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        return self.session.request(
            method, self.url(path, host), headers=headers, **kwargs
        )

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def sign_in(
        self, login: str, password: str, *, host: int | None = None
    ) -> requests.Response:
        """Sign in through the web form (allauth), as a browser does."""
        self.get(LOGIN, host=host)
        csrf = self.session.cookies.get("csrftoken", "")
        return self.post(
            LOGIN, host=host,
            data={"login": login, "password": password, "csrfmiddlewaretoken": csrf},
            headers={"Referer": self.urls[0] + LOGIN},
        )  # fmt: skip
