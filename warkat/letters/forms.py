"""Forms of the letter pages (parsing only; rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from warkat.core.widgets import DateInput
from warkat.letters.inbox import STATE_FILTERS
from warkat.letters.models import Security, Urgency


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
        )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RegisterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Receiving unit"), coerce=int)
    addressed_position = forms.TypedChoiceField(label=_("Addressed to"), coerce=int)
    sender_institution = forms.CharField(label=_("Sender institution"), max_length=300)
    sender_name = forms.CharField(
        label=_("Sender name/position"), max_length=200, required=False
    )
    number = forms.CharField(label=_("Letter number"), max_length=120)
    letter_date = forms.DateField(label=_("Letter date"), widget=DateInput())
    received_date = forms.DateField(label=_("Date received"), widget=DateInput())
    subject = forms.CharField(label=_("Subject (hal)"), max_length=500)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    classification = forms.CharField(label=_("Classification code"), max_length=200)
    security = forms.ChoiceField(label=_("Security level"), choices=Security.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Scan and attachments (PDF, JPG, PNG)"), required=True
    )
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All")),
            ("unread", _("Unread")),
            ("pending", _("Not followed up")),
            ("overdue", _("Overdue")),
            ("done", _("Done")),
            ("awaiting", _("Awaiting my decision")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All")),
            ("letters", _("Letters")),
            ("dispositions", _("Dispositions")),
            ("copies", _("Copies (tembusan)")),
            ("sent", _("Dispositions I sent")),
        ],
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("All")), *Urgency.choices]
    )
    security = forms.ChoiceField(
        label=_("Security level"),
        required=False,
        choices=[("", _("All")), *Security.choices],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=DateInput()
    )
    sender = forms.CharField(label=_("Sender"), required=False, max_length=100)
    unit = forms.TypedChoiceField(
        label=_("Unit"), required=False, coerce=int, empty_value=None
    )


class AgendaForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), widget=DateInput()
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")]
    )


assert set(STATE_FILTERS) >= {"unread", "pending", "overdue", "done"}
