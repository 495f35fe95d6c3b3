"""Benchmarks: a data generator and a runner that measures server time and queries
per request. Run with ``python -m bench.generate`` / ``python -m bench.run``; never part
of the test suite (only a tiny smoke test is)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def bootstrap(*, migrate: bool = True) -> None:
    """Configure Django for a benchmark process and bring its database up to date.

    Without ``DATABASE_URL`` the benchmarks use their own SQLite file, never the demo
    database. Two-factor enrolment is not what is measured, so signers are not sent
    to the TOTP set-up page.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'bench.sqlite3'}"
    )
    os.environ.setdefault("WARKAT_MFA_REQUIRED_FOR_SIGNERS", "0")
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    django.setup()
    from django.conf import settings

    # Static files are served from here outside DEBUG; an absent folder only warns.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
