"""Notification pages: the list, marking read, and the web-push service worker."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from warkat.core.http import script_response, tenant_view
from warkat.notify import services
from warkat.notify.selectors import notifications_for, unread_count


@tenant_view
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    person_id = request.user.person_id  # type: ignore[union-attr]
    return render(
        request,
        "notify/list.html",
        {
            "notes": notifications_for(person_id=person_id, limit=50),
            "unread": unread_count(person_id=person_id),
            "vapid_public_key": settings.WARKAT_VAPID_PUBLIC_KEY,
        },
    )


@tenant_view
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    person_id = request.user.person_id  # type: ignore[union-attr]
    services.notification_mark_read(
        person_id=person_id, notification_id=notification_id
    )
    note = notifications_for(person_id=person_id, limit=200)
    target = next((n.url for n in note if n.pk == notification_id), "")
    return redirect(target or "notify:list")


@tenant_view
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(
        person_id=request.user.person_id  # type: ignore[union-attr]
    )
    return redirect("notify:list")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The push service worker, served from the site root so its scope is the site."""
    return script_response("notify/sw.js", scope="/")
