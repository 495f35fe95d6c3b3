"""The two-host installation of ``bench.cluster``, started once for the multi-host
and fault tests (PostgreSQL phase of ``.ci/run`` only: the set-up is PostgreSQL's)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from bench.cluster import PG_BIN, Cluster

#: Ports 18800 … 18819 by default (another base for a parallel run).
#: A parallel test process (pytest-xdist worker gwN) takes the ports 40 * N above.
BASE_PORT = int(os.environ.get("WARKAT_CLUSTER_PORT", "18800")) + 40 * int(
    os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0
)


def _missing() -> str | None:
    if not settings.IS_POSTGRES:
        return "the multi-host set-up runs in the PostgreSQL phase (DATABASE_URL)"
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL server binaries in {PG_BIN}"
    if shutil.which("moto_server", path=str(Path(sys.executable).parent)) is None:
        return "moto_server is not installed (moto[server])"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = _missing()
    for item in items:
        if "tests/ops/" in str(item.fspath):
            item.add_marker(pytest.mark.multihost)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    c = Cluster(BASE_PORT)
    try:
        c.start()
        yield c
    finally:
        c.stop()
