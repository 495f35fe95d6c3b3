"""Forms of the user administration pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from warkat.accounts import selectors
from warkat.accounts.models import Role, UserRole
from warkat.api.scopes import SCOPES, scope_label
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


class ServiceAccountForm(forms.Form):
    """A service account's settings: what its tokens may reach and from where."""

    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, f"{name} — {scope_label(name)}") for name in SCOPES],
    )
    ip_allowlist = forms.CharField(
        label=_("Allowed addresses (one address or CIDR a line; empty: any)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=100_000, initial=120
    )
    tu_unit = forms.ModelChoiceField(
        label=_("Records clerk (TU) of"), queryset=Unit.objects.none(), required=False
    )
    kepegawaian = forms.BooleanField(label=Role.KEPEGAWAIAN.label, required=False)
    mesin_absen = forms.BooleanField(label=Role.MESIN_ABSEN.label, required=False)

    def __init__(self, *args: Any, tenant: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(tenant=tenant, is_active=True).order_by("path")
        self.fields["tu_unit"].queryset = units  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(account: Any) -> dict[str, Any]:
        roles = list(account.user.roles.all())
        return {
            "name": account.name,
            "description": account.description,
            "scopes": account.scopes,
            "ip_allowlist": "\n".join(account.ip_allowlist),
            "rate_limit_per_minute": account.rate_limit_per_minute,
            "tu_unit": next((r.unit for r in roles if r.role == Role.TU), None),
            "kepegawaian": any(r.role == Role.KEPEGAWAIAN for r in roles),
            "mesin_absen": any(r.role == Role.MESIN_ABSEN for r in roles),
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        roles: list[tuple[str, Unit | None]] = []
        if data["tu_unit"] is not None:
            roles.append((Role.TU, data["tu_unit"]))
        for role in (Role.KEPEGAWAIAN, Role.MESIN_ABSEN):
            if data[role.value]:
                roles.append((role.value, None))
        return {
            "name": data["name"],
            "description": data["description"],
            "scopes": data["scopes"],
            "ip_allowlist": data["ip_allowlist"].split(),
            "rate_limit_per_minute": data["rate_limit_per_minute"],
            "roles": roles,
        }
