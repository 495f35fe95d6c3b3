"""What the benchmarks that make their own data share: Django set up for a
throw-away test database, and file storage in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def django_for_signing() -> None:
    """Set Django up as the signing benchmarks want it: test settings, and the
    queued deliveries kept, not run (only the signing is timed)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    os.environ.setdefault("WARKAT_TESTING", "1")
    os.environ.setdefault(
        "WARKAT_TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend"
    )
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)


@contextmanager
def scratch_media(**more_settings: Any) -> Iterator[str]:
    """File storage in a temporary folder (removed afterwards), with
    ``more_settings`` overridden too."""
    from django.test import override_settings

    with (
        tempfile.TemporaryDirectory(prefix="warkat-bench-") as media,
        override_settings(
            STORAGES={
                "default": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": media},
                },
                "staticfiles": {
                    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                },
            },
            **more_settings,
        ),
    ):
        yield media
