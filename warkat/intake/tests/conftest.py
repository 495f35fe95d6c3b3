"""Fixtures of the intake tests: a Dovecot IMAP server, the org, file storage."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.intake.tests.dovecot import DOVECOT, Dovecot
from warkat.letters.tests.conftest import frozen, media  # noqa: F401  (fixtures)
from warkat.letters.tests.factories import build_org


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.skip(
            "Debian dovecot-imapd is not installed (scripts/setup.sh installs it)"
        )
    # Not under pytest's folder: the server runs as another user when tests run as root.
    root = Path(tempfile.mkdtemp(prefix="warkat-dovecot-"))
    server = Dovecot(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def o(in_tenant: Any) -> SimpleNamespace:
    return build_org(in_tenant)
