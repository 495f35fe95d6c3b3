"""The search page's form: the query and its filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from warkat.core.widgets import DateInput
from warkat.letters.models import Direction, Security


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=2000)
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("All")), *Direction.choices],
    )
    security = forms.ChoiceField(
        label=_("Security level"),
        required=False,
        choices=[("", _("All")), *Security.choices],
    )
    classification = forms.CharField(
        label=_("Classification code"), required=False, max_length=20
    )
    state = forms.CharField(label=_("Status"), required=False, max_length=20)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
