"""Fixtures for the text-of-files tests: the letters' private media folder and small
organisation (time not frozen: subprocess timeouts need a running clock)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from warkat.letters.tests.conftest import media  # noqa: F401  (autouse fixture)
from warkat.letters.tests.factories import build_org


@pytest.fixture
def o(in_tenant: Any) -> SimpleNamespace:
    return build_org(in_tenant)
