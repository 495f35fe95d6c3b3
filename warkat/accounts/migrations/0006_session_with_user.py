"""Sessions move to ``accounts_session`` (the user id in a column of its own). The
sessions still live are copied over, so nobody is signed out by the upgrade."""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def copy_live_sessions(apps: Any, schema_editor: Any) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from warkat.accounts.sessions import user_id_of

    old = apps.get_model("sessions", "Session")
    new = apps.get_model("accounts", "Session")
    store = SessionStore()
    live = old.objects.filter(expire_date__gt=timezone.now()).order_by("pk")
    batch: list[Any] = []
    for row in live.iterator(chunk_size=2000):
        user_id = user_id_of(store.decode(row.session_data))
        batch.append(new(session_key=row.session_key, session_data=row.session_data,
                         expire_date=row.expire_date, user_id=user_id))  # fmt: skip
        if len(batch) == 2000:
            new.objects.bulk_create(batch, ignore_conflicts=True)
            batch.clear()
    new.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_service_accounts"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                ("session_key", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="session key")),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("user_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
            ],  # fmt: skip
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "accounts_session",
                "abstract": False,
            },
        ),
        migrations.RunPython(copy_live_sessions, migrations.RunPython.noop),
    ]
