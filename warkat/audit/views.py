"""Audit pages for tenant admins: browse and filter events, one event, verify."""

from __future__ import annotations

import json

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from warkat.accounts.permissions import AUDITORS, require_role
from warkat.audit.selectors import EventFilter, audit_event_get, audit_page
from warkat.audit.verify import audit_chain_verify
from warkat.core.http import tenant_view
from warkat.core.widgets import DateInput


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=DateInput()
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def event_filter(self) -> EventFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return EventFilter(
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            before=data.get("before"),
        )


@tenant_view
def event_list(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=AUDITORS)
    form = EventFilterForm(request.GET)
    events, next_before = audit_page(tenant=request.tenant, flt=form.event_filter())  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "events": events,
        "next_before": next_before,
        "query": query.urlencode(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "audit/event_list.html#rows", context)
    return render(request, "audit/event_list.html", context)


@tenant_view
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    require_role(user=request.user, roles=AUDITORS)
    event = audit_event_get(tenant=request.tenant, seq=seq)  # type: ignore[attr-defined]
    data = json.dumps(event.data, indent=2, ensure_ascii=False, sort_keys=True)
    return render(request, "audit/event_detail.html", {"event": event, "data": data})


@tenant_view
@require_POST
def chain_verify(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=AUDITORS)
    report = audit_chain_verify(tenant=request.tenant)  # type: ignore[attr-defined]
    return render(request, "audit/verify.html", {"report": report})
