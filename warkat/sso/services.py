"""Every write of the SSO: client apps (register, change, disable, new secret),
remembered consents, the audit of each sign-in and the replay of a used code."""

from __future__ import annotations

import hashlib
import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from warkat.accounts.models import Role
from warkat.accounts.permissions import require_role
from warkat.audit.services import audit_record
from warkat.org.models import Unit
from warkat.sso import errors
from warkat.sso.models import Client, ClientUnit, CodeUse, Consent
from warkat.sso.scopes import SCOPES

ADMINS = frozenset({Role.TENANT_ADMIN})
_LOOPBACK_NAMES = {"localhost"}


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _clean_uris(raw: list[str], *, required: bool) -> str:
    uris = [u.strip() for u in raw if u.strip()]
    if required and not uris:
        raise errors.no_redirect_uri()
    for uri in uris:
        parts = urlsplit(uri)
        host = parts.hostname or ""
        secure = parts.scheme == "https"
        # Plain http only on the app's own machine (RFC 8252) or outside production.
        plain_ok = parts.scheme == "http" and (
            _is_loopback(host) or not settings.PRODUCTION
        )
        if not host or parts.fragment or not (secure or plain_ok) or " " in uri:
            raise errors.bad_redirect_uri(uri)
    return " ".join(dict.fromkeys(uris))


def _clean_scopes(scopes: list[str]) -> str:
    for scope in scopes:
        if scope not in SCOPES:
            raise errors.bad_scope(scope)
    if "openid" not in scopes:
        raise errors.openid_scope_required()
    return " ".join(s for s in SCOPES if s in scopes)


def _set_units(*, client: Client, unit_ids: list[int]) -> list[str]:
    units = list(Unit.objects.filter(pk__in=set(unit_ids)))
    if len(units) != len(set(unit_ids)):
        raise errors.unit_not_found()
    ClientUnit.objects.filter(client=client).exclude(unit__in=units).delete()
    have = set(
        ClientUnit.objects.filter(client=client).values_list("unit_id", flat=True)
    )
    ClientUnit.objects.bulk_create(
        ClientUnit(tenant=client.tenant, client=client, unit=u)
        for u in units
        if u.pk not in have
    )
    return sorted(u.code for u in units)


def _store(
    *, actor: Any, client: Client, action: str, unit_ids: list[int], **fields: Any
) -> None:
    """Clean what the admin entered into ``client``, save it with its units and
    record ``action`` — inside the caller's transaction, so a refusal writes nothing."""
    if not fields["name"].strip():
        raise errors.name_required()
    client.name = fields["name"].strip()
    client.description = fields["description"].strip()
    client.redirect_uris = _clean_uris(fields["redirect_uris"], required=True)
    client.post_logout_redirect_uris = _clean_uris(
        fields["post_logout_redirect_uris"], required=False
    )
    client.allowed_scopes = _clean_scopes(fields["allowed_scopes"])
    client.save()
    units = _set_units(client=client, unit_ids=unit_ids)
    audit_record(
        tenant=client.tenant,
        actor=actor,
        action=action,
        obj=client,
        data={
            "client_id": client.client_id,
            "redirect_uris": client.redirect_uris,
            "scopes": client.allowed_scopes,
            "units": units,
        },
    )


def client_create(
    *,
    actor: Any,
    name: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    allowed_scopes: list[str],
    unit_ids: list[int],
    description: str = "",
    client_id: str = "",
    secret: str = "",
) -> tuple[Client, str]:
    """Register an SKPD app. Returns it with its client secret, shown only now.
    ``client_id`` and ``secret`` are made up unless given (the demo's app has
    known ones)."""
    require_role(user=actor, roles=ADMINS)
    secret = secret or generate_client_secret()
    with transaction.atomic():
        client = Client(
            tenant=actor.tenant,
            client_type=Client.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
            algorithm=Client.RS256_ALGORITHM,
            client_secret=secret,
            hash_client_secret=True,
        )
        if client_id:
            client.client_id = client_id
        _store(
            actor=actor, client=client, action="sso.client_create",
            unit_ids=unit_ids, name=name, description=description,
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=post_logout_redirect_uris,
            allowed_scopes=allowed_scopes,
        )  # fmt: skip
    return client, secret


def client_update(
    *,
    actor: Any,
    client: Client,
    name: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    allowed_scopes: list[str],
    unit_ids: list[int],
    description: str = "",
) -> Client:
    require_role(user=actor, roles=ADMINS)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        _store(
            actor=actor, client=client, action="sso.client_update",
            unit_ids=unit_ids, name=name, description=description,
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=post_logout_redirect_uris,
            allowed_scopes=allowed_scopes,
        )  # fmt: skip
    return client


def _revoke_client_tokens(client: Client) -> None:
    now = timezone.now()
    get_grant_model().objects.filter(application=client).delete()
    get_refresh_token_model().objects.filter(
        application=client, revoked__isnull=True
    ).update(revoked=now, access_token=None)
    get_access_token_model().objects.filter(application=client).delete()
    get_id_token_model().objects.filter(application=client).delete()


def client_set_active(*, actor: Any, client: Client, active: bool) -> Client:
    """Disable an app at once (its codes and tokens are revoked) or enable it again
    (its people sign in anew)."""
    require_role(user=actor, roles=ADMINS)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        if client.is_active == active:
            return client
        client.is_active = active
        client.disabled_at = None if active else timezone.now()
        client.save(update_fields=["is_active", "disabled_at", "updated"])
        if not active:
            _revoke_client_tokens(client)
        audit_record(
            tenant=client.tenant,
            actor=actor,
            action="sso.client_enable" if active else "sso.client_disable",
            obj=client,
        )
    return client


def client_secret_rotate(*, actor: Any, client: Client) -> str:
    """A new client secret (the old one stops working); returned once."""
    require_role(user=actor, roles=ADMINS)
    secret = generate_client_secret()
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        client.client_secret = secret
        client.save(update_fields=["client_secret", "updated"])
        audit_record(
            tenant=client.tenant,
            actor=actor,
            action="sso.client_secret_rotate",
            obj=client,
        )
    return secret


def consent_grant(*, user: Any, client: Client, scopes: list[str]) -> Consent:
    """Remember what ``user`` allowed ``client`` (merged with earlier consents)."""
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update().filter(user=user, client=client).first()
        )
        if consent is None:
            consent = Consent(tenant=client.tenant, user=user, client=client)
            granted: set[str] = set()
        else:
            granted = set(consent.scopes.split())
        consent.scopes = " ".join(s for s in SCOPES if s in granted | set(scopes))
        consent.granted_at = timezone.now()
        consent.save()
        audit_record(
            tenant=client.tenant,
            actor=user,
            action="sso.consent",
            obj=client,
            data={"scopes": consent.scopes},
        )
    return consent


def sign_in_record(*, user: Any, client: Client, scopes: list[str]) -> None:
    """Audit a sign-in through ``client`` (an authorization code was issued)."""
    with transaction.atomic():
        audit_record(
            tenant=client.tenant,
            actor=user,
            action="sso.sign_in",
            obj=client,
            data={"scopes": " ".join(scopes)},
        )


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def code_use_record(
    *, client: Client, code: str, token_family: uuid.UUID | None
) -> None:
    """Remember an exchanged code (its hash) and the token family it started."""
    with transaction.atomic():
        CodeUse.objects.create(
            tenant=client.tenant,
            client=client,
            code_hash=code_hash(code),
            token_family=token_family,
            used_at=timezone.now(),
        )


def code_replay(*, client: Client, code: str) -> bool:
    """A code presented again: revoke every token issued from it (RFC 6749 §4.1.2).
    False when the code was never exchanged (simply unknown)."""
    with transaction.atomic():
        use = (
            CodeUse.objects.select_for_update()
            .filter(code_hash=code_hash(code), client=client)
            .first()
        )
        if use is None:
            return False
        get_refresh_token_model().revoke_family(use.token_family)
        use.replayed_at = timezone.now()
        use.save(update_fields=["replayed_at"])
        audit_record(
            tenant=client.tenant,
            actor=None,
            action="sso.code_replay",
            obj=client,
            data={"token_family": str(use.token_family)},
        )
    return True
