"""Fixtures of the backup tests: the letters tests' organisation, media and time."""

from __future__ import annotations

from warkat.letters.tests.conftest import frozen, media, o

__all__ = ["frozen", "media", "o"]
