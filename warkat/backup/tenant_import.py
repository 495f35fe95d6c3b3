"""A tenant archive (``tenant_export``) into an installation that already serves
other tenants (``manage.py tenant_import``).

Primary keys collide in the target, so every row gets a new id: for each model the
import takes as many ids as it has rows from the table's own sequence (PostgreSQL)
or above the largest id in use (SQLite), and maps old to new. Foreign keys follow
the map of the model they point at (read from Django's model metadata, so new
models are covered without code), links to global rows are re-attached by natural
key, and the few id columns without a foreign key follow ``SOFT_REFS``. Files move
to the new tenant's folders (``<tenant id>/…``, ``signed/<tenant id>/…``), because
the orphan sweeps walk a tenant's folders and would delete another tenant's files.

The audit chain keeps verifying: the hash of an event covers its tenant, actor and
object ids, so an imported event keeps the ids it was hashed with in ``origin``
(``warkat.audit.services.canonical_payload`` reads them), and the import itself is
the next event of the chain, recording where it came from.

Everything is one transaction; the files written before it are removed again if it
fails. Rows are inserted raw (no signals, no ``auto_now``): they are history.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, transaction

from warkat.accounts.models import User
from warkat.audit.services import audit_record
from warkat.backup.archive import (
    ArchiveError,
    Manifest,
    archive_open,
    archive_read,
)
from warkat.backup.database import applied_migrations
from warkat.backup.rewrap import rewrap
from warkat.backup.storagefiles import FILES_DIR, file_put
from warkat.backup.tenant_export import KIND, REFS, ROWS_DIR
from warkat.backup.tenantset import (
    ORG_CHANGE_TARGETS,
    RECIPIENT_TARGETS,
    SOFT_REFS,
    all_models,
    find_by_natural_key,
    fk_fields,
    label,
    storage_fields,
)
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants

Row = dict[str, Any]
IdMaps = dict[str, dict[Any, Any]]


@dataclass
class ImportReport:
    tenant: Tenant
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def _decode(f: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(f, models.JSONField):
        return value
    return f.to_python(value)


def _read_rows(src: Path, manifest: Manifest) -> dict[str, list[Row]]:
    known = {label(m): m for m in all_models()}
    rows: dict[str, list[Row]] = {}
    for name in manifest.meta.get("rows", {}):
        model = known.get(name)
        if model is None:
            raise ArchiveError(f"The archive holds {name}, which this version lacks.")
        fields = {f.attname: f for f in model._meta.concrete_fields}
        text = (src / f"{ROWS_DIR}{name}.jsonl").read_text()
        items = [json.loads(line) for line in text.splitlines() if line]
        gone = {k for row in items[:1] for k in row} - set(fields)
        if gone:
            raise ArchiveError(
                f"The archive's {name} has columns this version lacks: {sorted(gone)}."
            )
        rows[name] = [{k: _decode(fields[k], v) for k, v in r.items()} for r in items]
    return rows


def _allocate(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh ids for ``model`` that nothing else will take."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [r[0] for r in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {quoted}")
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
        return list(range(start, start + count))


def _id_maps(rows: dict[str, list[Row]]) -> IdMaps:
    maps: IdMaps = {}
    for name, items in rows.items():
        model = apps.get_model(name)
        pk = model._meta.pk
        if not isinstance(
            pk, models.AutoField | models.BigAutoField | models.SmallAutoField
        ):
            continue  # UUIDs and natural keys do not collide; kept as they are
        old = sorted(r[pk.attname] for r in items)
        maps[name] = dict(zip(old, _allocate(model, len(old)), strict=True))
    return maps


def _global_refs(src: Path) -> IdMaps:
    refs: dict[str, dict[str, list[Any]]] = json.loads((src / REFS).read_text())
    resolved: IdMaps = {}
    for name, keys in refs.items():
        model = apps.get_model(name)
        resolved[name] = {}
        for old, key in keys.items():
            new = find_by_natural_key(model, key)
            if new is None:
                raise ArchiveError(
                    f"This installation has no {name} {key!r}, which the tenant uses."
                )
            resolved[name][int(old) if old.isdigit() else old] = new
    return resolved


def _moved(name: str, old_tenant: int, new_tenant: int) -> str:
    """``3/2026/…`` → ``9/2026/…``, ``signed/3/…`` → ``signed/9/…``."""
    parts = name.split("/")
    for i in range(min(2, len(parts) - 1)):
        if parts[i] == str(old_tenant):
            parts[i] = str(new_tenant)
            break
    return "/".join(parts)


@dataclass
class _Remap:
    maps: IdMaps
    globals_: IdMaps
    old_tenant: int
    new_tenant: int
    source_key: str | None
    renamed: dict[str, str] = field(default_factory=dict)

    def ref(self, target: str, value: Any) -> Any:
        if value is None:
            return None
        for table in (self.maps, self.globals_):
            if target in table and value in table[target]:
                return table[target][value]
        return value  # another tenant's id, or gone: kept as recorded

    def row(self, model: type[models.Model], old: Row) -> Row:
        name = label(model)
        new = dict(old)
        if name in self.maps:
            new[model._meta.pk.attname] = self.maps[name][old[model._meta.pk.attname]]
        for f in fk_fields(model):
            new[f.attname] = self.ref(label(f.related_model), old[f.attname])
        for (owner, column), target in SOFT_REFS.items():
            if owner == name:
                value = old[column]
                new[column] = (
                    [self.ref(target, v) for v in value]
                    if isinstance(value, list)
                    else self.ref(target, value)
                )
        if (
            name == "drafting.Recipient"
            and old.get("target_tenant_id") == self.old_tenant
        ):
            pointed = RECIPIENT_TARGETS.get(old["kind"])
            if pointed:
                new["target_id"] = self.ref(pointed, old["target_id"])
        if name == "org.OrgChange" and old["entity"] in ORG_CHANGE_TARGETS:
            new["object_id"] = self.ref(
                ORG_CHANGE_TARGETS[old["entity"]], old["object_id"]
            )
        for column in storage_fields(model):
            if old[column]:
                moved = _moved(old[column], self.old_tenant, self.new_tenant)
                self.renamed[old[column]] = moved
                new[column] = moved
        if name == "audit.AuditEvent":
            self._audit(old, new)
        rewrap(name, old, new, self.source_key)
        return new

    def _audit(self, old: Row, new: Row) -> None:
        origin = dict(old.get("origin") or {})
        for key, before, after in (
            ("tenant", old["tenant_id"], new["tenant_id"]),
            ("actor", old["actor_id"], new["actor_id"]),
        ):
            if before != after:
                origin.setdefault(key, before)
        object_id = old["object_id"]
        if old["object_type"] and object_id.isdigit():
            try:
                target = label(apps.get_model(old["object_type"]))
            except (LookupError, ValueError):
                target = ""
            moved = self.maps.get(target, {}).get(int(object_id))
            if moved is not None and str(moved) != object_id:
                origin.setdefault("object_id", object_id)
                new["object_id"] = str(moved)
        new["origin"] = origin


def _precheck(manifest: Manifest, rows: dict[str, list[Row]]) -> None:
    meta = manifest.meta
    if Tenant.objects.filter(
        models.Q(region_code=meta["region_code"]) | models.Q(slug=meta["slug"])
    ).exists():
        raise ArchiveError(
            f"This installation already has the tenant {meta['region_code']} "
            f"({meta['slug']}). Nothing was imported."
        )
    names = [r["username"] for r in rows.get(label(User), [])]
    taken = sorted(
        User.objects.filter(username__in=names).values_list("username", flat=True)
    )
    if taken:
        raise ArchiveError(
            f"User names already taken here: {', '.join(taken[:10])}. Rename them "
            "in the source before exporting. Nothing was imported."
        )
    missing = sorted(set(meta.get("migrations", [])) - set(applied_migrations()))
    if missing:
        raise ArchiveError(
            f"The archive comes from a newer version (migrations {missing[:3]} are "
            "not applied here). Upgrade first; nothing was imported."
        )


def _insert(model: type[models.Model], rows: list[Row]) -> None:
    fields = list(model._meta.concrete_fields)
    objs = [model(**row) for row in rows]
    for start in range(0, len(objs), 500):
        # raw: no auto_now, no signals; the rows are history.
        model._base_manager._insert(  # type: ignore[attr-defined]
            objs[start : start + 500], fields=fields, raw=True
        )


def id_map_digest(maps: IdMaps) -> str:
    body = json.dumps(
        {k: sorted(v.items()) for k, v in sorted(maps.items())}, default=str
    )
    return hashlib.sha256(body.encode()).hexdigest()


def tenant_import(*, src: Path, source_key: str | None = None) -> ImportReport:
    """Import the tenant archive at ``src`` (a directory or a ``.tar``)."""
    with archive_open(Path(src)) as root:
        return _import(root, source_key)


def _import(src: Path, source_key: str | None) -> ImportReport:
    manifest = archive_read(src, kind=KIND)
    rows = _read_rows(src, manifest)
    written: list[str] = []
    try:
        with transaction.atomic(), all_tenants():
            _precheck(manifest, rows)
            maps = _id_maps(rows)
            old_tenant = manifest.meta["tenant_id"]
            remap = _Remap(
                maps=maps,
                globals_=_global_refs(src),
                old_tenant=old_tenant,
                new_tenant=maps[label(Tenant)][old_tenant],
                source_key=source_key,
            )
            new_rows = {
                name: [remap.row(apps.get_model(name), r) for r in items]
                for name, items in rows.items()
            }
            for old_name, new_name in sorted(remap.renamed.items()):
                entry = manifest.files[FILES_DIR + old_name]
                if file_put(
                    source=src / FILES_DIR / old_name,
                    name=new_name,
                    sha256=entry["sha256"],
                ):
                    written.append(new_name)
            for name, items in new_rows.items():
                _insert(apps.get_model(name), items)
            tenant = Tenant.objects.get(pk=remap.new_tenant)
            audit_record(
                tenant=tenant,
                actor=None,
                action="tenant.import",
                obj=tenant,
                data={
                    "source_tenant_id": old_tenant,
                    "source_public_base_url": manifest.meta.get("public_base_url"),
                    "exported_at": manifest.meta.get("created_at"),
                    "rows": sum(len(v) for v in rows.values()),
                    "files": len(remap.renamed),
                    "id_map_sha256": id_map_digest(maps),
                },
            )
    except IntegrityError as exc:
        _remove(written)
        raise ArchiveError(
            f"The tenant's rows conflict with this installation's: {exc}. "
            "Nothing was imported."
        ) from None
    except BaseException:
        _remove(written)
        raise
    return ImportReport(
        tenant=tenant,
        rows={k: len(v) for k, v in rows.items()},
        files=len(remap.renamed),
    )


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
