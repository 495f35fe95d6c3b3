"""Which rows belong to one tenant, read from Django's model metadata.

A tenant's data is: its ``Tenant`` row; every row of a model with a ``tenant``
foreign key (``TenantOwned`` and ``User``); and, to a fixed point, the rows of
models without a tenant that point at those rows (two-factor authenticators, e-mail
addresses and their confirmations, a user's group memberships). Everything else is
global (content types, permissions, groups, the national classification codes): a
tenant row that points at a global row is exported with the global row's natural
key (``natural_key()``, else its first unique field) and re-attached by that key.

A few columns hold ids without a foreign key; ``SOFT_REFS`` says what they point at
(``tests/test_transfer.py`` fails when a new ``*_id``/``*_ids`` column appears that
is in neither ``SOFT_REFS`` nor ``KEPT_AS_IS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from warkat.tenancy.models import Tenant

#: Never exported: sign-in sessions (people sign in again), queued task results
#: (work in flight is re-queued by the periodic sweeps in the new installation).
EXCLUDED = {
    "sessions.Session",
    "accounts.Session",
    "django_tasks_database.DBTaskResult",
}

#: Integer or JSON columns holding ids without a foreign key: model label, field →
#: label of the model they point at. A list in JSON maps element by element.
SOFT_REFS: dict[tuple[str, str], str] = {
    ("letters.LetterEvent", "disposition_id"): "dispositions.Disposition",
    ("notify.Notification", "letter_id"): "letters.Letter",
    ("drafting.Delivery", "delivered_letter_id"): "letters.Letter",
    ("drafting.Recipient", "target_tenant_id"): "tenancy.Tenant",
    ("drafting.Draft", "duty_person_ids"): "org.Person",
    ("drafting.SigningBatch", "draft_ids"): "drafting.Draft",
}

#: ``Recipient.target_id`` points at a position or a unit, by ``kind``.
RECIPIENT_TARGETS = {"position": "org.Position", "unit": "org.Unit"}

#: ``OrgChange.object_id`` points at the model its ``entity`` names (the change
#: feed); the ``data`` snapshot of each change stays as recorded, like other history.
ORG_CHANGE_TARGETS = {
    "unit": "org.Unit",
    "position": "org.Position",
    "person": "org.Person",
    "assignment": "org.Assignment",
}

#: Id-like columns deliberately kept: ``AuditEvent.object_id`` is handled by the
#: import itself (and keeps its hashed value in ``origin``); ``Recipient.target_id``
#: by ``RECIPIENT_TARGETS``; history snapshots (``DraftVersion.data``) stay as
#: they were recorded.
KEPT_AS_IS = {
    ("audit.AuditEvent", "object_id"),
    ("drafting.Recipient", "target_id"),
    ("org.OrgChange", "object_id"),  # by ORG_CHANGE_TARGETS
    # Not ids of rows: the webhook message id (``msg_…``), an e-mail's Message-ID,
    # OAuth client ids.
    ("webhooks.Message", "msg_id"),
    ("intake.InboundItem", "message_id"),
    ("sso.Client", "client_id"),
    ("oauth2_provider.DeviceGrant", "client_id"),
    # The delivery log's record of what a webhook message was about (history).
    ("webhooks.Message", "object_id"),
}

#: Columns holding names of files in the default storage.
STORAGE_FIELDS = ("storage_name", "searchable_name", "logo_storage_name")


def label(model: type[models.Model]) -> str:
    return model._meta.label


def all_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and label(m) not in EXCLUDED
    ]


def has_tenant_fk(model: type[models.Model]) -> bool:
    field = next((f for f in model._meta.concrete_fields if f.name == "tenant"), None)
    return field is not None and field.related_model is Tenant


def fk_fields(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is not None
    ]


def storage_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name in STORAGE_FIELDS]


def natural_key_of(model: type[models.Model], pk: Any) -> list[Any]:
    """How another installation finds the same global row."""
    obj = model._base_manager.get(pk=pk)
    if hasattr(obj, "natural_key"):
        return list(obj.natural_key())
    field = unique_field(model)
    return [getattr(obj, field)]


def unique_field(model: type[models.Model]) -> str:
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            return f.attname
    raise ValueError(f"{label(model)} has no natural key or unique field")


def find_by_natural_key(model: type[models.Model], key: list[Any]) -> Any:
    """The pk of the global row with ``key`` here, or None."""
    manager: Any = model._default_manager
    try:
        if hasattr(manager, "get_by_natural_key"):
            return manager.get_by_natural_key(*key).pk
        return model._base_manager.get(**{unique_field(model): key[0]}).pk
    except ObjectDoesNotExist:
        return None


def tenant_rows(
    tenant: Tenant,
) -> Iterator[tuple[type[models.Model], models.QuerySet[Any]]]:
    """The querysets of the tenant's rows, model by model (run in the tenant's
    scope: row-level security lets them through)."""
    owned: dict[str, models.QuerySet[Any]] = {
        label(Tenant): Tenant._base_manager.filter(pk=tenant.pk)
    }
    models_ = all_models()
    for model in models_:
        if model is not Tenant and has_tenant_fk(model):
            owned[label(model)] = model._base_manager.filter(tenant_id=tenant.pk)
    # Models without a tenant that point at owned rows, to a fixed point.
    changed = True
    while changed:
        changed = False
        for model in models_:
            if label(model) in owned:
                continue
            links = [f for f in fk_fields(model) if label(f.related_model) in owned]
            if not links:
                continue
            q = models.Q()
            for f in links:
                q |= models.Q(
                    **{f"{f.attname}__in": owned[label(f.related_model)].values("pk")}
                )
            owned[label(model)] = model._base_manager.filter(q)
            changed = True
    for model in models_:
        if label(model) in owned:
            yield model, owned[label(model)]
