"""Setting up prints no warnings: the translation catalogues compile cleanly with
``msgfmt --check`` (what ``scripts/setup.sh`` runs) and ``manage.py check`` reports
nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(ROOT.glob("warkat/**/locale/*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_compiles_without_warnings(po: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_catalogues_found() -> None:
    assert len(CATALOGUES) >= 10


def test_system_check_prints_no_warning(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WARKAT_", "DATABASE_URL", "DJANGO_"))
    }
    env["WARKAT_VAR_DIR"] = str(tmp_path)  # an embedded SQLite database of its own
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "no issues (0 silenced)" in done.stdout
