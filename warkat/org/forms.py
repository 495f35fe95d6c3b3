"""HTML forms of the organisation pages. They only parse input; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from warkat.core.errors import DomainError
from warkat.core.widgets import DateInput
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.nip import PNS_RANKS, PPPK_RANKS
from warkat.org.permissions import EVERYWHERE, admin_paths


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'· ' * obj.depth}{obj.name} [{obj.code}]"


def _managed_units(user: Any) -> Any:
    """Active units the user may manage, in tree order."""
    units = Unit.objects.filter(is_active=True).order_by("path")
    paths = admin_paths(user=user)
    if paths != EVERYWHERE:
        cond = Q(pk__in=[])
        for p in paths:
            cond |= Q(path__startswith=p)
        units = units.filter(cond)
    return units


class DomainErrorForm(forms.Form):
    def add_domain_error(self, exc: DomainError) -> None:
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.text())


class UnitForm(DomainErrorForm):
    parent = UnitChoice(queryset=Unit.objects.none(), label=_("Parent unit"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in Unit.Kind.choices if c[0] != Unit.Kind.PEMDA],
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, unit: Unit | None = None, **kw: Any):
        super().__init__(*args, **kw)
        parents = _managed_units(user)
        if unit is not None:
            parents = parents.exclude(path__startswith=unit.path)
            if unit.parent_id is None:
                del self.fields["parent"]
                del self.fields["kind"]
        if "parent" in self.fields:
            self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class PositionForm(DomainErrorForm):
    unit = UnitChoice(queryset=Unit.objects.none(), label=_("Unit"))
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=60)
    category = forms.ChoiceField(label=_("Category"), choices=Position.Category.choices)
    eselon = forms.ChoiceField(
        label=_("Echelon"),
        choices=[("", "—"), *Position.Eselon.choices],
        required=False,
    )
    superior = forms.ModelChoiceField(
        queryset=Position.objects.none(), label=_("Superior position"), required=False
    )
    is_head = forms.BooleanField(label=_("Head of unit"), required=False)

    def __init__(self, *args: Any, user: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = _managed_units(user)  # type: ignore[attr-defined]
        self.fields["superior"].queryset = (  # type: ignore[attr-defined]
            Position.objects.filter(is_active=True)
            .select_related("unit")
            .order_by("unit__path", "-is_head", "name")
        )
        self.fields["superior"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.name} — {p.unit.name}"
        )


_RANK_CHOICES = [
    ("", "—"),
    (_("PNS"), [(r, f"{n} ({r})") for r, n in PNS_RANKS.items()]),
    (_("PPPK"), [(r, r) for r in PPPK_RANKS]),
]


class PersonForm(DomainErrorForm):
    front_title = forms.CharField(
        label=_("Title before name"), max_length=60, required=False
    )
    full_name = forms.CharField(label=_("Name"), max_length=200)
    back_title = forms.CharField(
        label=_("Title after name"), max_length=60, required=False
    )
    employee_type = forms.ChoiceField(
        label=_("Employee type"), choices=Person.EmployeeType.choices
    )
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False)
    rank = forms.ChoiceField(
        label=_("Rank (golongan)"), choices=_RANK_CHOICES, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex (without NIP)"),
        choices=[("", "—"), *Person.Sex.choices],
        required=False,
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class AssignmentForm(DomainErrorForm):
    person = forms.CharField(
        label=_("Person (NIP or full name)"),
        max_length=200,
        help_text=_("Type the NIP, or the name exactly as registered."),
    )
    position = forms.ModelChoiceField(
        queryset=Position.objects.none(), label=_("Position")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Assignment.Kind.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=DateInput(),
    )
    decree_number = forms.CharField(
        label=_("Decree number"), max_length=120, required=False
    )
    decree_date = forms.DateField(
        label=_("Decree date"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args: Any, user: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["position"].queryset = (  # type: ignore[attr-defined]
            Position.objects.filter(is_active=True, unit__in=_managed_units(user))
            .select_related("unit")
            .order_by("unit__path", "-is_head", "name")
        )
        self.fields["position"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.name} — {p.unit.name}"
        )

    def clean_person(self) -> Person:
        text = " ".join(self.cleaned_data["person"].split())
        digits = text.replace(" ", "")
        if digits.isdigit():
            people = list(Person.objects.filter(nip=digits, is_active=True)[:2])
        else:
            people = list(
                Person.objects.filter(full_name__iexact=text, is_active=True)[:2]
            )
        if not people:
            raise forms.ValidationError(_("No active person has that NIP or name."))
        if len(people) > 1:
            raise forms.ValidationError(
                _("Several people have that name; type the NIP instead.")
            )
        return people[0]


class AssignmentEndForm(DomainErrorForm):
    end_date = forms.DateField(label=_("Last day"), widget=DateInput())


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV UTF-8 or XLSX)"))
