"""SSO client apps of a tenant (the swapped django-oauth-toolkit Application), the
units whose people may sign in to them, remembered consents and used codes.

The tokens themselves stay in django-oauth-toolkit's tables (not tenant-scoped, like
users and sessions); every token belongs to a client, and the client to a tenant.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication

from warkat.tenancy.models import TenantOwned


class Client(TenantOwned, AbstractApplication):
    """An SKPD app that signs its users in through Warkat (OpenID Connect)."""

    # Space-separated scopes the app may request (subset of sso.scopes.SCOPES).
    allowed_scopes = models.CharField(
        _("allowed scopes"), max_length=200, default="openid profile nip positions"
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"
        verbose_name = _("SSO client app")
        verbose_name_plural = _("SSO client apps")
        indexes = [
            models.Index(fields=["tenant", "name"], name="sso_client_tenant_name")
        ]

    def __str__(self) -> str:
        return self.name

    def is_usable(self, request: Any) -> bool:
        # A disabled app (or tenant) stops at once: no sign-in, no token, no refresh,
        # and its live tokens are refused at userinfo (DOT checks this everywhere).
        return self.is_active and self.tenant.is_active

    @property
    def audit_repr(self) -> str:
        return self.name


class ClientUnit(TenantOwned):
    """A unit (with its sub-units) whose people may sign in to the client. A client
    without any may be used by everybody of its tenant."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "unit"], name="sso_client_unit")
        ]


class Consent(TenantOwned):
    """What a person allowed a client to read; asked again only for new scopes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    scopes = models.CharField(max_length=200)
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="sso_consent_once")
        ]


class CodeUse(TenantOwned):
    """An authorization code that was exchanged for tokens (only its SHA-256).

    RFC 6749 §4.1.2: a code presented a second time is refused and the tokens issued
    from it are revoked. django-oauth-toolkit deletes the code on exchange, so this
    row remembers which token family it started.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    token_family = models.UUIDField(null=True)
    used_at = models.DateTimeField()
    replayed_at = models.DateTimeField(null=True, blank=True)
