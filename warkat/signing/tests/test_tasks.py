"""Periodic signing housekeeping, run through the project's scheduler command."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import time_machine
from django.core.management import call_command

from warkat.signing.tests import factories


def test_run_periodic_sweeps_orphaned_signed_pdfs(
    signer: factories.Signer,
    signed_storage: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    kept = factories.sign(signer).document.storage_name
    folder = signed_storage / Path(kept).parent
    (folder / "killed-mid-signing.pdf").write_bytes(b"%PDF-1.7 half")
    # A signing transaction may still be open: a fresh orphan is left alone.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", stdout=io.StringIO())
    assert (folder / "killed-mid-signing.pdf").exists()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("run_periodic", stdout=io.StringIO())
    assert not (folder / "killed-mid-signing.pdf").exists()
    assert (signed_storage / kept).exists()
