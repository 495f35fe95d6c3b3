"""The operations endpoints (``/healthz``, ``/readyz``, ``/metrics``), answered at
the top of the middleware stack: probes and scrapers come with the load balancer's
Host header and no cookies, so host checks, sessions and sign-in gates are skipped."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from warkat.core.health import healthz, readyz
from warkat.core.metrics import metrics_view


class OpsEndpointsMiddleware:
    """Answers ``/healthz``, ``/readyz`` and ``/metrics`` before the rest of the stack
    (see the module docstring); every other path passes through untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.routes: dict[str, Callable[[HttpRequest], HttpResponse]] = {
            "/healthz": healthz,
            "/readyz": readyz,
            "/metrics": metrics_view,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.routes.get(request.path_info)
        if view is not None and request.method in {"GET", "HEAD"}:
            response = view(request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
