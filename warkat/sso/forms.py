"""The form of the client app pages (parsing only; the rules are in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from warkat.org.models import Unit
from warkat.sso.scopes import DEFAULT_CLIENT_SCOPES, SCOPES


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'· ' * obj.depth}{obj.name} [{obj.code}]"


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name of the app"), max_length=255)
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False
    )
    redirect_uris = forms.CharField(
        label=_("Redirect addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, exactly as the app sends them, e.g. https://app.example.go.id/oidc/callback"
        ),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after signing out"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    allowed_scopes = forms.MultipleChoiceField(
        label=_("What the app may read"),
        choices=[(k, f"{k} — {v}") for k, v in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_CLIENT_SCOPES),
    )
    units = UnitChoiceField(
        label=_("Only people of these units (and their sub-units)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("None chosen: everybody of this regional government."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("path")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "redirect_uris": data["redirect_uris"].split(),
            "post_logout_redirect_uris": data["post_logout_redirect_uris"].split(),
            "allowed_scopes": list(data["allowed_scopes"]),
            "unit_ids": [u.pk for u in data["units"]],
        }

    @staticmethod
    def initial_for(client: Any) -> dict[str, Any]:
        return {
            "name": client.name,
            "description": client.description,
            "redirect_uris": "\n".join(client.redirect_uris.split()),
            "post_logout_redirect_uris": "\n".join(
                client.post_logout_redirect_uris.split()
            ),
            "allowed_scopes": client.allowed_scopes.split(),
            "units": [cu.unit for cu in client.units.all()],
        }
