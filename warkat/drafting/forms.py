"""Forms of the drafting pages: the draft editor, the sign dialog, the register and
the admin settings. Parsing only; every rule lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from warkat.drafting.fields import RecipientInput
from warkat.drafting.models import Family, Layout, SigningCapacity
from warkat.letters.models import Security, Urgency


class DraftForm(forms.Form):
    naskah_type = forms.ChoiceField(label=_("Naskah type"))
    subject = forms.CharField(label=_("Subject (hal)"), max_length=500)
    about = forms.CharField(label=_("About (tentang)"), max_length=500, required=False)
    body = forms.CharField(
        label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    signer_position = forms.ChoiceField(label=_("Signing position"))
    capacity = forms.ChoiceField(
        label=_("Signing capacity"), choices=SigningCapacity.choices, required=False
    )
    security = forms.ChoiceField(label=_("Security level"), choices=Security.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    classification = forms.CharField(label=_("Classification code"), max_length=200)
    place = forms.CharField(label=_("Place of signing"), max_length=120, required=False)
    event_day = forms.CharField(label=_("Day/date"), max_length=120, required=False)
    event_time = forms.CharField(label=_("Time"), max_length=120, required=False)
    event_place = forms.CharField(label=_("Place"), max_length=300, required=False)
    event_agenda = forms.CharField(
        label=pgettext_lazy("invitation", "Agenda"), max_length=500, required=False
    )
    external_to = forms.CharField(
        label=_("External addressees (one a line: name | e-mail | address)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    external_copy = forms.CharField(
        label=_("External copies (one a line: name | e-mail | address)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note on this version"), max_length=300, required=False
    )


def external_lines(text: str, role: str) -> list[RecipientInput]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (3 - len(parts))
        rows.append(
            RecipientInput(
                role=role,
                kind="external",
                label=parts[0],
                email=parts[1],
                address=parts[2],
            )
        )
    return rows


def picked(values: list[str]) -> list[RecipientInput]:
    """Recipients picked in the page, each ``role:kind:id``."""
    rows = []
    for value in values:
        role, _sep, rest = value.partition(":")
        kind, _sep, ident = rest.partition(":")
        if role in {"to", "copy"} and kind in {"position", "unit"} and ident.isdigit():
            rows.append(RecipientInput(role=role, kind=kind, target_id=int(ident)))
    return rows


class SignForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Passphrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        strip=False,
    )
    otp = forms.CharField(
        label=_("Authenticator code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReserveForm(forms.Form):
    naskah_type = forms.ChoiceField(label=_("Naskah type"))
    subject = forms.CharField(label=_("Subject (hal)"), max_length=500)
    classification = forms.CharField(
        label=_("Classification code"), max_length=40, required=False
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NaskahTypeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    name = forms.CharField(label=_("Name"), max_length=120)
    family = forms.ChoiceField(label=_("Family"), choices=Family.choices)
    layout = forms.ChoiceField(label=_("Layout"), choices=Layout.choices)
    signer_titles = forms.BooleanField(
        label=_("Signer's name with academic titles"), required=False
    )
    has_event = forms.BooleanField(label=_("Has an event block"), required=False)
    internal_only = forms.BooleanField(label=_("Internal only"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    default_classification = forms.CharField(
        label=_("Default classification code"), max_length=40, required=False
    )
    number_pattern = forms.CharField(
        label=_("Number format (empty: the tenant default)"),
        max_length=200,
        required=False,
    )
    template_html = forms.CharField(
        label=_("Layout template (HTML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
    )
    template_css = forms.CharField(
        label=_("Layout style (CSS)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )


class KopForm(forms.Form):
    government_line = forms.CharField(label=_("Government line"), max_length=200)
    name = forms.CharField(label=_("Unit name as printed"), max_length=300)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    logo = forms.FileField(label=_("Logo (PNG or JPG)"), required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)


class DefaultFormatForm(forms.Form):
    pattern = forms.CharField(label=_("Default number format"), max_length=200)


def choices_of(rows: Any, label: Any = str) -> list[tuple[str, str]]:
    return [(str(r.pk), label(r)) for r in rows]
