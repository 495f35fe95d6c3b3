"""Forms of the user administration pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from warkat.accounts import selectors
from warkat.accounts.models import Role, UserRole
from warkat.org.models import Unit

#: Roles that hold without a unit, in the order shown.
PLAIN_ROLES = [Role.TENANT_ADMIN, Role.PIMPINAN, Role.STAF]


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'· ' * obj.depth}{obj.name} [{obj.code}]"


class RolesForm(forms.Form):
    """Roles of one user: plain roles as check boxes, unit-bound roles with units."""

    plain = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(r.value, r.label) for r in PLAIN_ROLES],
    )
    unit_admin_units = UnitChoiceField(
        label=_("Unit administrator of"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    tu_units = UnitChoiceField(
        label=_("Records clerk (TU) of"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = selectors.units_for_roles(actor=actor)
        self.fields["unit_admin_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["tu_units"].queryset = units  # type: ignore[attr-defined]
        if not actor.has_role(Role.TENANT_ADMIN):
            # A unit admin grants only TU, pimpinan and staf.
            self.fields["plain"].choices = [  # type: ignore[attr-defined]
                (r.value, r.label) for r in PLAIN_ROLES if r != Role.TENANT_ADMIN
            ]
            del self.fields["unit_admin_units"]

    @staticmethod
    def initial_for(roles: list[UserRole]) -> dict[str, Any]:
        return {
            "plain": [r.role for r in roles if r.unit_id is None],
            "unit_admin_units": [r.unit for r in roles if r.role == Role.UNIT_ADMIN],
            "tu_units": [r.unit for r in roles if r.role == Role.TU],
        }

    def role_specs(self) -> list[tuple[str, Unit | None]]:
        data = self.cleaned_data
        specs: list[tuple[str, Unit | None]] = [(r, None) for r in data["plain"]]
        specs += [(Role.UNIT_ADMIN, u) for u in data.get("unit_admin_units") or []]
        specs += [(Role.TU, u) for u in data.get("tu_units") or []]
        return specs


class UserCreateForm(RolesForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=60,
        help_text=_("Lower-case letters, digits, dots, hyphens; e.g. budi.santoso"),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
