"""The HTTP API under /api/v1: one router per app, assembled here."""

from warkat.api.base import api
from warkat.api.routers import register_routers

register_routers(api)

__all__ = ["api"]
