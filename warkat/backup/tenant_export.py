"""One tenant's data and files in an archive, for a kabupaten that leaves the
province's hosting (``manage.py tenant_export``; ``tenant_import`` reads it).

Rows are written model by model as JSON lines (``rows/<app.Model>.jsonl``) with
their original ids; the import gives them new ones. A tenant row that points at a
global row (a classification code, a content type, a group) carries that row's
natural key in ``refs.json``; a link to another tenant's row (a letter delivered
from another Pemda, the hosting province) is cut (set to null) and counted in the
manifest, because the other tenant does not move.

Private keys and TOTP secrets stay wrapped with this installation's key: the
archive is no more readable than a database backup, and the import re-wraps them
with the source key the operator hands it.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

from warkat.backup.archive import ArchiveError, Manifest, archive_write
from warkat.backup.database import applied_migrations
from warkat.backup.storagefiles import files_save
from warkat.backup.tenantset import (
    fk_fields,
    label,
    natural_key_of,
    storage_fields,
    tenant_rows,
)
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

KIND = "tenant"
ROWS_DIR = "rows/"
REFS = "refs.json"


def encode(value: Any) -> Any:
    """A JSON value for a column value (decoded by ``field.to_python``)."""
    if isinstance(value, memoryview | bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return str(value)  # DurationField.to_python parses it back
    return value


def tenant_export(*, tenant: Tenant, dest: Path) -> Manifest:
    with tenant_scope(tenant), archive_write(dest, kind=KIND) as writer:
        selected = list(tenant_rows(tenant))
        owned = {label(m) for m, _qs in selected}
        pks = {label(m): set(qs.values_list("pk", flat=True)) for m, qs in selected}
        refs: dict[str, dict[str, list[Any]]] = {}
        cut: dict[str, int] = {}
        counts: dict[str, int] = {}
        files: list[str] = []
        for model, qs in selected:
            name = label(model)
            fields = model._meta.concrete_fields
            lines = []
            for row in qs.order_by("pk").values(*[f.attname for f in fields]):
                for f in fk_fields(model):
                    target = label(f.related_model)
                    value = row[f.attname]
                    if value is None:
                        continue
                    if target in owned and value in pks[target]:
                        continue
                    if target in owned or f.related_model is Tenant:
                        # Another tenant's row: the link cannot move with us.
                        if not f.null:
                            raise ArchiveError(
                                f"{name}.{f.name} points at another tenant's row "
                                f"{value}; it cannot be exported."
                            )
                        row[f.attname] = None
                        cut[f"{name}.{f.name}"] = cut.get(f"{name}.{f.name}", 0) + 1
                        continue
                    keyed = refs.setdefault(target, {})
                    if str(value) not in keyed:
                        keyed[str(value)] = natural_key_of(f.related_model, value)
                files.extend(row[a] for a in storage_fields(model) if row[a])
                lines.append(
                    json.dumps({k: encode(v) for k, v in row.items()}, sort_keys=True)
                )
            counts[name] = len(lines)
            writer.add_bytes(
                f"{ROWS_DIR}{name}.jsonl", ("\n".join(lines) + "\n").encode()
            )
        writer.add_bytes(REFS, json.dumps(refs, sort_keys=True, default=str).encode())
        files_save(writer, sorted(set(files)))
        writer.manifest.meta.update(
            {
                "tenant_id": tenant.pk,
                "region_code": tenant.region_code,
                "slug": tenant.slug,
                "public_base_url": settings.PUBLIC_BASE_URL,
                "migrations": applied_migrations(),
                "rows": counts,
                "links_cut": cut,
                "file_count": len(set(files)),
            }
        )
        return writer.manifest


def tenant_by_code(code: str) -> Tenant:
    tenant = Tenant.objects.filter(
        models.Q(region_code=code) | models.Q(slug=code)
    ).first()
    if tenant is None:
        raise ArchiveError(f"unknown tenant {code}")
    return tenant
