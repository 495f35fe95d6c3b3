"""The tenant administrator's disposition settings page: same-level coordination,
reminder lead time and default deadlines, the instruction list, and the tenant's own
non-working days (national holidays and cuti bersama are built in and listed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from warkat.accounts.permissions import require_role
from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.core.widgets import DateInput
from warkat.dispositions import settings_services as admin
from warkat.dispositions.calendar import national_holidays_named
from warkat.dispositions.models import TenantHoliday
from warkat.dispositions.rules import (
    disposition_settings,
    instruction_labels,
    instruction_rules,
)


def _days(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=60)


class SettingsForm(forms.Form):
    allow_same_level = forms.BooleanField(
        label=gettext_lazy("Allow dispositions to positions at the same level"),
        required=False,
    )
    remind_days_before = _days(gettext_lazy("Remind this many working days before"))
    days_amat_segera = _days(gettext_lazy("Default deadline, Amat Segera (days)"))
    days_segera = _days(gettext_lazy("Default deadline, Segera (days)"))
    days_biasa = _days(gettext_lazy("Default deadline, Biasa (days)"))


class InstructionsForm(forms.Form):
    labels = forms.CharField(
        label=gettext_lazy("Instructions, one per line, in display order"),
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class BehaviourForm(forms.Form):
    closes_on_read = forms.MultipleChoiceField(
        label=gettext_lazy("Settled when read (for information)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requires_report = forms.MultipleChoiceField(
        label=gettext_lazy("Needs a follow-up report before closing"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, labels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("closes_on_read", "requires_report"):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(label, label) for label in labels]


class HolidayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)


def _settings_initial() -> dict[str, Any]:
    row = disposition_settings()
    return {name: getattr(row, name) for name in SettingsForm.base_fields}


@tenant_view
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require_role(user=user, roles=admin.ADMIN)
    tenant = request.tenant  # type: ignore[attr-defined]
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action else None

    def bound(name: str) -> Any:
        return data if action == name else None

    rules = [rule for rule in instruction_rules() if rule.active]
    forms_by_action: dict[str, forms.Form] = {
        "settings": SettingsForm(bound("settings"), initial=_settings_initial()),
        "instructions": InstructionsForm(
            bound("instructions"),
            initial={"labels": "\n".join(instruction_labels())},
        ),
        "behaviour": BehaviourForm(
            bound("behaviour"),
            labels=[rule.label for rule in rules],
            initial={
                "closes_on_read": [r.label for r in rules if r.closes_on_read],
                "requires_report": [r.label for r in rules if r.requires_report],
            },
        ),
        "holiday_add": HolidayForm(bound("holiday_add")),
    }
    # Each action: the service taking the form's cleaned data, and what to say.
    actions: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
        "settings": (
            lambda d: admin.disposition_settings_update(actor=user, tenant=tenant, **d),
            _("Disposition settings saved."),
        ),
        "instructions": (
            lambda d: admin.instructions_set(
                actor=user, tenant=tenant, labels=d["labels"].splitlines()
            ),
            _("Instruction list saved."),
        ),
        "behaviour": (
            lambda d: admin.instruction_behaviour_set(actor=user, tenant=tenant, **d),
            _("Instruction behaviour saved."),
        ),
        "holiday_add": (
            lambda d: admin.holiday_add(actor=user, tenant=tenant, **d),
            _("Holiday added."),
        ),
        "holiday_remove": (
            lambda d: admin.holiday_remove(
                actor=user, tenant=tenant, holiday_id=_int(request.POST.get("id"))
            ),
            _("Holiday removed."),
        ),
    }
    try:
        form = forms_by_action.get(action or "")
        if action in actions and (form is None or form.is_valid()):
            run, done = actions[action]
            run(form.cleaned_data if form is not None else {})
            messages.success(request, done)
            return redirect("dispositions:settings")
        # A form that did not validate shows its field errors.
        status = 422 if action else 200
    except DomainError as exc:
        messages.error(request, exc.text())
        status = exc.status_code
    year = timezone.localdate().year
    return render(
        request,
        "dispositions/settings.html",
        {
            "settings_form": forms_by_action["settings"],
            "labels_form": forms_by_action["instructions"],
            "behaviour_form": forms_by_action["behaviour"],
            "holiday_form": forms_by_action["holiday_add"],
            "holidays": TenantHoliday.objects.filter(
                date__gte=dt.date(year, 1, 1)
            ).order_by("date"),
            "national": national_holidays_named(year),
            "year": year,
        },
        status=status,
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
