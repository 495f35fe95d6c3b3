"""Subscriptions speak the API's scope names: ``drafts:read`` (drafts are letters in
the API) becomes ``letters:read``."""

from typing import Any

from django.db import migrations

RENAMED = {"drafts:read": "letters:read"}


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # Row-level security is forced on the owner too: see every tenant's rows.
        schema_editor.execute("SELECT set_config('warkat.tenant_id', 'all', true)")
    Endpoint = apps.get_model("webhooks", "Endpoint")
    for endpoint in Endpoint.objects.all():
        scopes = sorted({RENAMED.get(s, s) for s in endpoint.scopes})
        if scopes != endpoint.scopes:
            endpoint.scopes = scopes
            endpoint.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
