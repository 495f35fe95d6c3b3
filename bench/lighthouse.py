"""Pages on a weak network: Lighthouse in Debian's Chromium on emulated mobile 3G.

Starts the demo (``scripts/demo.sh``) of the checkout on a free loopback port (and of a
baseline checkout with ``--base``, measured in the same run, alternating with the
current one so both see the same machine load), signs in with demo accounts and runs
Lighthouse (``bench/lighthouse/node_modules``, installed with ``npm ci`` in
``bench/lighthouse``) against the pages of the daily work, each on a first load (empty
cache) and on a repeat visit (the same browser, cache kept), ``--runs`` times (3),
and prints the medians: KB transferred, requests, first and largest contentful paint,
time to interactive, total blocking time, render-blocking requests and console errors
per page, against the budget of issue 15 (60 KB first load, 25 KB repeat visit, usable
in 2 s), with the machine's load average. Lighthouse's simulated 4x CPU multiplies the
main-thread time it observes, so a loaded machine inflates TTI and TBT (wall-clock
figures). A benchmark, never part of the test suite:

    .venv/bin/python -m bench.lighthouse [--base OTHER_CHECKOUT] [--root DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hmac
import http.cookiejar
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "lighthouse" / "node_modules" / "lighthouse"
RUNNER = HERE / "lighthouse" / "run.mjs"
CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "Warkat-Demo-2026"
#: warkat.demo.accounts.DEMO_TOTP_SECRET, published for testers.
DEMO_TOTP_SECRET = "WARKATDEMOTOTPKEEROMPAPUAWARKATX"
FIRST_BUDGET_KB = 60
REPEAT_BUDGET_KB = 25
USABLE_BUDGET_MS = 2000


@dataclass
class Result:
    page: str
    visit: str
    kb: float
    fcp_ms: float
    lcp_ms: float
    tti_ms: float
    tbt_ms: float
    requests: int
    blocking: int
    errors: int

    @property
    def usable_ms(self) -> float:
        return max(self.lcp_ms, self.tti_ms)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the demo did not answer at {url}")


def totp_code(root: Path) -> str:
    """The demo authenticator's current code (RFC 6238 on the published demo secret,
    as ``manage.py totp`` computes it: starting Django for it took longer than a
    code lives on a loaded machine)."""
    left = 30 - time.time() % 30
    if left < 4:
        time.sleep(left + 0.2)
    key = base64.b32decode(DEMO_TOTP_SECRET)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class Session:
    """A signed-in demo user: the cookies put into the browser before Lighthouse runs."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=60) as resp:
            return resp.geturl(), resp.read().decode()

    def post(self, url: str, fields: dict[str, str]) -> tuple[str, str]:
        data = urllib.parse.urlencode(
            {**fields, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        ).encode()
        req = urllib.request.Request(url, data=data, headers={"Referer": url})
        with self.opener.open(req, timeout=60) as resp:
            return resp.geturl(), resp.read().decode()

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def sign_in(self, login: str, root: Path) -> None:
        url, _ = self.get("/akun/login/")
        url, _ = self.post(url, {"login": login, "password": DEMO_PASSWORD})
        for _attempt in range(3):
            if "/2fa/" not in url:
                break
            # A code is accepted once: if another sign-in just used it, the next one.
            url, _ = self.post(url, {"code": totp_code(root)})
            if "/2fa/" in url:
                time.sleep(30 - time.time() % 30 + 0.5)
        if "/akun/" in url:
            raise SystemExit(f"sign-in of {login} stopped at {url}")

    def cookies(self) -> list[tuple[str, str]]:
        return [(c.name, c.value or "") for c in self.jar]


def first_link(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    if not match:
        raise SystemExit(f"no link matching {pattern}")
    return match.group(0)


def lighthouse(
    url: str, port: int, cookies: list[tuple[str, str]], keep_cache: bool, out: Path
) -> dict:
    """One run of ``run.mjs`` (the throttling is set there)."""
    cmd = [
        "node",
        str(RUNNER),
        url,
        str(port),
        json.dumps(cookies),
        "1" if keep_cache else "0",
        str(out),
    ]
    subprocess.run(cmd, check=True)
    return json.loads(out.read_text())


def metric(report: dict, audit: str) -> float:
    value = report["audits"].get(audit, {}).get("numericValue")
    return float(value) if value is not None else float("nan")


def blocking(report: dict) -> int:
    """Requests that hold the first paint back (Lighthouse's render-blocking audit)."""
    for audit in ("render-blocking-resources", "render-blocking-insight"):
        details = report["audits"].get(audit, {}).get("details") or {}
        if "items" in details:
            return len(details["items"])
    return 0


def console_errors(report: dict) -> int:
    details = report["audits"].get("errors-in-console", {}).get("details") or {}
    return len(details.get("items", []))


def one_run(
    name: str, url: str, cookies: list[tuple[str, str]], out_dir: Path, n: int
) -> list[Result]:
    """First load with an empty cache, then the same page again in the same browser."""
    profile = tempfile.mkdtemp(prefix="warkat-lh-")
    port = free_port()
    chrome = subprocess.Popen(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--no-first-run",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/json/version", 30)
        results = []
        for visit, keep in (("first", False), ("repeat", True)):
            out = out_dir / f"{name.replace(' ', '-')}-{n}-{visit}.json"
            for _attempt in range(3):
                report = lighthouse(url, port, cookies, keep, out)
                # On a loaded machine the trace is sometimes lost (NO_NAVSTART):
                # measured again; a run that never gets one counts as unknown.
                if not report.get("runtimeError"):
                    break
            if report.get("finalDisplayedUrl", url) != url:
                raise SystemExit(f"{url} ended at {report['finalDisplayedUrl']}")
            requests = report["audits"]["network-requests"]["details"]["items"]
            results.append(
                Result(
                    page=name,
                    visit=visit,
                    kb=metric(report, "total-byte-weight") / 1024,
                    fcp_ms=metric(report, "first-contentful-paint"),
                    lcp_ms=metric(report, "largest-contentful-paint"),
                    tti_ms=metric(report, "interactive"),
                    tbt_ms=metric(report, "total-blocking-time"),
                    requests=len(requests),
                    blocking=blocking(report),
                    errors=console_errors(report),
                )
            )
        return results
    finally:
        chrome.terminate()
        chrome.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


def median(runs: list[Result]) -> Result:
    """Each figure's median over the runs (Lighthouse's simulated CPU multiplies the
    main-thread time it observes, so one run on a loaded machine says little)."""

    def mid(values: list[float]) -> float:
        # A run in which Lighthouse could not time a paint gives NaN: left out.
        known = [v for v in values if not math.isnan(v)]
        return statistics.median(known) if known else math.nan

    return Result(
        page=runs[0].page,
        visit=runs[0].visit,
        kb=mid([r.kb for r in runs]),
        fcp_ms=mid([r.fcp_ms for r in runs]),
        lcp_ms=mid([r.lcp_ms for r in runs]),
        tti_ms=mid([r.tti_ms for r in runs]),
        tbt_ms=mid([r.tbt_ms for r in runs]),
        requests=round(mid([r.requests for r in runs])),
        blocking=max(r.blocking for r in runs),
        errors=max(r.errors for r in runs),
    )


class Demo:
    """``scripts/demo.sh`` of one checkout on a free port, and its signed-in users."""

    def __init__(self, root: Path, url: str | None = None) -> None:
        self.root = root
        self.proc: subprocess.Popen | None = None
        if url:  # a demo of this checkout already served there
            self.base = url.rstrip("/")
            return
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            ["scripts/demo.sh"],
            cwd=root,
            env={**os.environ, "PORT": str(port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def pages(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(name, URL, cookies) of the pages measured."""
        wait_http(self.base + "/akun/login/", 900)
        sekda = Session(self.base)
        sekda.sign_in("sekda.keerom", self.root)
        _, inbox = sekda.get("/surat/masuk/")
        letter = first_link(inbox, r"/surat/\d+/")
        letter_id = letter.strip("/").split("/")[-1]
        reviewer = Session(self.base)
        reviewer.sign_in("198506042010042014", self.root)
        paths = [
            ("sign-in", "/akun/login/", []),
            ("inbox", "/surat/masuk/", sekda.cookies()),
            ("letter", letter, sekda.cookies()),
            ("disposition form", f"/disposisi/surat/{letter_id}/", sekda.cookies()),
            ("drafts to review", "/naskah/", reviewer.cookies()),
            ("check-in", "/absen/", sekda.cookies()),
        ]
        return [(name, self.base + path, cookies) for name, path, cookies in paths]

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(30)


def cell(base: float | None, now: float, fmt: str) -> str:
    text = format(now, fmt)
    return text if base is None else f"{format(base, fmt)} → {text}"


def table(now: dict[tuple[str, str], Result], base: dict | None) -> str:
    lines = [
        "| page | visit | KB transferred | requests | FCP s | LCP s | TTI s | TBT ms "
        "| blocking | console errors | budget |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, r in now.items():
        b = base.get(key) if base else None
        budget_kb = FIRST_BUDGET_KB if r.visit == "first" else REPEAT_BUDGET_KB
        ok = r.kb <= budget_kb and r.usable_ms <= USABLE_BUDGET_MS
        figures = [
            cell(b and b.kb, r.kb, ".1f"),
            cell(b and b.requests, r.requests, "d"),
            cell(b and b.fcp_ms / 1000, r.fcp_ms / 1000, ".2f"),
            cell(b and b.lcp_ms / 1000, r.lcp_ms / 1000, ".2f"),
            cell(b and b.tti_ms / 1000, r.tti_ms / 1000, ".2f"),
            cell(b and b.tbt_ms, r.tbt_ms, ".0f"),
            cell(b and b.blocking, r.blocking, "d"),
            cell(b and b.errors, r.errors, "d"),
        ]
        lines.append(
            f"| {r.page} | {r.visit} | {' | '.join(figures)} | {'ok' if ok else 'over'} |"
        )
    return "\n".join(lines)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=HERE.parent, help="checkout to serve"
    )
    parser.add_argument(
        "--base", type=Path, help="baseline checkout, measured in the same run"
    )
    parser.add_argument(
        "--url", help="measure the demo of --root already served at this address"
    )
    parser.add_argument(
        "--base-url", help="measure the demo of --base already served there"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median)")
    parser.add_argument(
        "--only", action="append", help="measure only this page (repeatable)"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE.parent / "bench/out/lighthouse"
    )
    args = parser.parse_args()
    # Stopped with SIGTERM: still stop the demos and browsers this run started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not LIGHTHOUSE.exists():
        raise SystemExit("install Lighthouse first: (cd bench/lighthouse && npm ci)")
    checkouts = {"now": args.root.resolve()}
    if args.base:
        checkouts = {"base": args.base.resolve(), **checkouts}
    demos = {
        label: Demo(root, args.url if label == "now" else args.base_url)
        for label, root in checkouts.items()
    }
    runs: dict[str, dict[tuple[str, str], list[Result]]] = {}
    try:
        pages = {label: demo.pages() for label, demo in demos.items()}
        print(f"start: {load()}", flush=True)
        for n in range(args.runs):
            # Page by page, the baseline and the current checkout one after the
            # other, so both see the same machine load.
            for i, (name, *_) in enumerate(pages["now"]):
                if args.only and name not in args.only:
                    continue
                for label, page_list in pages.items():
                    _, url, cookies = page_list[i]
                    out = args.out / label
                    out.mkdir(parents=True, exist_ok=True)
                    for r in one_run(name, url, cookies, out, n + 1):
                        key = (name, r.visit)
                        runs.setdefault(label, {}).setdefault(key, []).append(r)
            # The figures so far, in case a long run is cut short.
            report(runs, n + 1, bool(args.base))
    finally:
        for demo in demos.values():
            demo.stop()


def report(
    runs: dict[str, dict[tuple[str, str], list[Result]]], n: int, base: bool
) -> None:
    medians = {
        label: {key: median(rs) for key, rs in results.items()}
        for label, results in runs.items()
    }
    print(
        f"Median of {n} run(s)" + (" (baseline → now)" if base else "") + f"; {load()}"
    )
    print(table(medians["now"], medians.get("base")), flush=True)


if __name__ == "__main__":
    main()
