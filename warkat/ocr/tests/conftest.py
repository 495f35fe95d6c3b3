"""Fixtures for the text-of-files tests: a private media folder and the letters'
small organisation (time not frozen: subprocess timeouts need a running clock)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.letters.tests.factories import build_org


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def o(in_tenant: Any) -> SimpleNamespace:
    return build_org(in_tenant)
