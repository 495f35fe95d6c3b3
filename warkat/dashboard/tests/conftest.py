"""Dashboard tests use the letters test fixtures (media folder, org, frozen time)."""

from warkat.letters.tests.conftest import frozen, media, o  # noqa: F401
