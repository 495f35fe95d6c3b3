"""The app server candidates the benches start, as command lines.

A candidate is named ``kind:WxT`` (``W`` worker processes of ``T`` application
threads; uWSGI's processes have no threads, so ``uwsgi:N`` is ``N`` processes):

* ``granian`` — the flags of ``scripts/serve`` (HTTP in Rust, the application in
  each worker's blocking threads); ``granian-st`` the same with Rust's runtime
  single-threaded (``--runtime-mode st``) and a backpressure of ``T`` requests;
* ``gunicorn`` — gunicorn's threaded worker (the server before granian);
* ``uwsgi`` — uWSGI in pre-fork mode (PyPI ``pyuwsgi``): its HTTP router process
  (C, event-driven) holds the clients' keep-alive connections and passes each
  request over a Unix socket to the first free worker process, which runs the
  application in its only thread; ``uwsgi-tcp`` the same over loopback TCP;
  ``uwsgi-http11`` the workers answering HTTP/1.1 themselves (a kept-alive
  connection then holds its process between requests: not for many clients).

uWSGI is not a dependency of Warkat (it did not beat granian, ``bench/README.md``):
the ``uwsgi`` candidates need PyPI's ``pyuwsgi`` importable by this interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

KINDS = ("granian", "granian-st", "gunicorn", "uwsgi", "uwsgi-tcp", "uwsgi-http11")

#: pyuwsgi is uWSGI built as a Python extension: it runs in this interpreter.
UWSGI = [sys.executable, "-c",
         "import sys, pyuwsgi; sys.argv[0] = 'uwsgi'; sys.exit(pyuwsgi.run())"]  # fmt: skip


def parse(spec: str) -> tuple[str, int, int]:
    """``kind:WxT`` (or ``kind:N`` for N x 1) as (kind, workers, threads)."""
    kind, _, shape = spec.partition(":")
    if kind not in KINDS:
        raise ValueError(f"unknown server {kind!r} (one of {', '.join(KINDS)})")
    workers, _, threads = (shape or "2x8").partition("x")
    return kind, int(workers), int(threads or 1)


def command(spec: str, app: str, port: int, run_dir: Path) -> list[str]:
    """The command serving the WSGI callable ``app`` (``module:name``) on
    ``127.0.0.1:port``; ``run_dir`` holds a candidate's socket."""
    kind, workers, threads = parse(spec)
    if kind.startswith("granian"):
        cmd = [sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--blocking-threads", str(threads), "--blocking-threads-idle-timeout",
               "600", "--respawn-failed-workers"]  # fmt: skip
        if kind == "granian-st":
            cmd += ["--runtime-mode", "st", "--backpressure", str(threads)]
        return [*cmd, app]
    if kind == "gunicorn":
        module, _, name = app.partition(":")
        return [str(Path(sys.executable).parent / "gunicorn"), f"{module}:{name}",
                "-b", f"127.0.0.1:{port}", "--workers", str(workers), "--threads",
                str(threads), "--timeout", "60", "--keep-alive", "30",
                "--no-control-socket"]  # fmt: skip
    cmd = [*UWSGI, "--master", "--die-on-term", "--need-app", "--strict",
           "--processes", str(workers * threads), "--thunder-lock",
           "--buffer-size", "32768", "--disable-logging", "--module", app]  # fmt: skip
    if kind == "uwsgi-http11":
        return [*cmd, "--http11-socket", f"127.0.0.1:{port}"]
    cmd += ["--http", f"127.0.0.1:{port}", "--http-keepalive", "--http-auto-chunked",
            "--http-buffer-size", "32768", "--http-timeout", "300", "--listen", "1024"]  # fmt: skip
    if kind == "uwsgi":
        cmd += ["--socket", str(run_dir / "app.sock")]
    return cmd
