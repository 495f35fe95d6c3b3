"""Copies of a benchmark's PostgreSQL database, and an app role to use them.

A benchmark that commits data works on a copy (``CREATE DATABASE … TEMPLATE`` of the
migrated database named by ``DATABASE_URL``), dropped afterwards, so it changes no
data it measures. The servers and workers it starts connect as a role made for the
copy (NOSUPERUSER NOBYPASSRLS): row-level security applies as in production.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def _with(url: str, *, database: str, user: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        netloc = f"{user}@{netloc.rsplit('@', 1)[-1]}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{database}"))


def admin_sql(url: str, sql: str, database: str = "postgres") -> None:
    subprocess.run(["psql", _with(url, database=database), "-q", "-c", sql], check=True)


def copy_create(url: str, suffix: str) -> tuple[str, str, str]:
    """(copy's name, its URL as the owner, its URL as the app role)."""
    source = urlsplit(url).path.lstrip("/")
    copy = f"{source}_{suffix}"
    role = f"{copy}_app"
    copy_drop(url, copy)
    admin_sql(url, f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    admin_sql(url, f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS')
    admin_sql(
        url,
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"; '
        f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        database=copy,
    )
    return copy, _with(url, database=copy), _with(url, database=copy, user=role)


def copy_drop(url: str, copy: str) -> None:
    admin_sql(url, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    admin_sql(url, f'DROP ROLE IF EXISTS "{copy}_app"')


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of live processes (Linux ``/proc``)."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")
