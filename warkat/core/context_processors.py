from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def warkat(request: HttpRequest) -> dict[str, Any]:
    """Expose the active tenant to every template."""
    return {"current_tenant": getattr(request, "tenant", None)}
