"""Seal the MFA secrets stored in the clear before the adapter sealed them."""

from typing import Any

from django.db import migrations

from warkat.accounts.adapter import MFA_SECRET_LABEL
from warkat.core.secrets import TEXT_PREFIX, open_text, seal_text

FIELDS = {"totp": "secret", "recovery_codes": "seed"}


def _apply(apps: Any, convert: Any) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for row in Authenticator.objects.filter(type__in=FIELDS):
        field = FIELDS[row.type]
        value = row.data.get(field)
        if isinstance(value, str):
            row.data[field] = convert(value)
            row.save(update_fields=["data"])


def seal(apps: Any, schema_editor: Any) -> None:
    _apply(
        apps,
        lambda v: v
        if v.startswith(TEXT_PREFIX)
        else seal_text(v, label=MFA_SECRET_LABEL),
    )


def unseal(apps: Any, schema_editor: Any) -> None:
    _apply(apps, lambda v: open_text(v, label=MFA_SECRET_LABEL))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_password_is_demo"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
