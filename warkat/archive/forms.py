"""Forms of the archive pages: they only parse; every rule is in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from warkat.archive.models import AppraisalMember
from warkat.org.models import Position, Unit


class SettingsForm(forms.Form):
    records_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Records centre (unit kearsipan)"),
    )
    records_head = forms.ModelChoiceField(
        queryset=Position.objects.none(),
        required=False,
        label=_("Head of the records centre"),
    )
    approver = forms.ModelChoiceField(
        queryset=Position.objects.none(),
        required=False,
        label=_("Approving official (Kepala Daerah)"),
    )
    regional_archive = forms.CharField(
        max_length=200,
        required=False,
        label=_("Regional archive (lembaga kearsipan daerah)"),
    )
    chair = forms.ModelChoiceField(
        queryset=Position.objects.none(),
        required=False,
        label=_("Appraisal committee: chair"),
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Position.objects.none(),
        required=False,
        label=_("Appraisal committee: members"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        positions = Position.objects.filter(is_active=True).order_by("name")
        self.fields["records_unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("depth", "name")
        for name in ("records_head", "approver", "chair", "members"):
            self.fields[name].queryset = positions  # type: ignore[attr-defined]

    def committee(self) -> list[tuple[Position, str]]:
        chosen: list[tuple[Position, str]] = []
        chair = self.cleaned_data.get("chair")
        if chair is not None:
            chosen.append((chair, AppraisalMember.Role.CHAIR))
        for position in self.cleaned_data.get("members") or []:
            if chair is None or position.pk != chair.pk:
                chosen.append((position, AppraisalMember.Role.MEMBER))
        return chosen


class HoldForm(forms.Form):
    letter_id = forms.IntegerField(min_value=1, max_value=2**62, label=_("Letter id"))
    reason = forms.CharField(
        max_length=2000, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )
    case_reference = forms.CharField(
        max_length=200, required=False, label=_("Case reference")
    )
