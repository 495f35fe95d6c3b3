"""Forms of the mail-in pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from warkat.letters.models import Security, Urgency


class CompleteForm(forms.Form):
    addressed_position = forms.IntegerField(label=_("Addressed to (position)"))
    subject = forms.CharField(label=_("Subject"), max_length=500)
    classification = forms.CharField(label=_("Classification code"), max_length=40)
    number = forms.CharField(label=_("Letter number"), max_length=120)
    letter_date = forms.DateField(label=_("Letter date"), required=False)
    sender_institution = forms.CharField(label=_("Sender institution"), max_length=300)
    sender_name = forms.CharField(
        label=_("Sender name"), max_length=300, required=False
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)
    security = forms.ChoiceField(label=_("Security"), choices=Security.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    confirm_duplicate = forms.BooleanField(required=False)


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class MailboxForm(forms.Form):
    host = forms.CharField(label=_("IMAP server"), max_length=255)
    port = forms.IntegerField(
        label=_("Port"), min_value=1, max_value=65535, initial=993
    )
    use_tls = forms.BooleanField(label=_("TLS"), required=False, initial=True)
    username = forms.CharField(label=_("User name"), max_length=255)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Leave empty to keep the stored password."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=200, initial="INBOX")
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)


class PackageForm(forms.Form):
    unit = forms.IntegerField(label=_("Receiving unit"))
    package = forms.FileField(label=_("Exchange package (ZIP)"))
