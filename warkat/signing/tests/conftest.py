"""Fixtures of the signing tests: file storage in a temporary folder, a signer, the
fake BSrE server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from warkat.signing.bsre_fake import FakeBsre
from warkat.signing.tests import factories


@pytest.fixture(autouse=True)
def signed_storage(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.WARKAT_TSA_URL = ""
    return tmp_path


@pytest.fixture
def signer(in_tenant: Any) -> factories.Signer:
    return factories.signer(in_tenant)


@pytest.fixture
def bsre_server(settings: Any) -> Iterator[FakeBsre]:
    fake = FakeBsre().start()
    settings.WARKAT_BSRE_URL = fake.url
    settings.WARKAT_BSRE_USER = fake.user
    settings.WARKAT_BSRE_PASSWORD = fake.password
    try:
        yield fake
    finally:
        fake.stop()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]
