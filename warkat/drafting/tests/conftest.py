"""Fixtures of the drafting tests: the letters tests' organisation, media, time."""

from __future__ import annotations

from warkat.letters.tests.conftest import frozen, media, o

__all__ = ["frozen", "media", "o"]
