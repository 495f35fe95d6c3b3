"""User accounts (one per person), roles and API tokens."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import Tenant, TenantOwned


class User(AbstractUser):
    """A sign-in identity. Tenant users belong to exactly one tenant and one person.

    Not tenant-scoped through the ORM: sign-in must find the user before a tenant is
    known. Every list of users goes through ``accounts.selectors`` which filters by
    tenant explicitly.
    """

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    person = models.OneToOneField(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    # Lockout after repeated failed sign-ins.
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    must_change_password = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="id")
    # Set whenever the password is set: the production check then verifies these few
    # users instead of running Argon2 over every account.
    password_is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True)
                | models.Q(tenant__isnull=False),
                name="user_person_needs_tenant",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_is_demo = raw_password == settings.WARKAT_DEMO_PASSWORD

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None and "password" in fields:
            kwargs["update_fields"] = {*fields, "password_is_demo"}
        super().save(*args, **kwargs)

    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(
                UserRole.objects.with_scopes_disabled()
                .filter(user=self)
                .values_list("role", flat=True)
            )
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))


class Role(models.TextChoices):
    TENANT_ADMIN = "tenant_admin", _("Tenant administrator")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    TU = "tu", _("Records clerk (TU/agendaris)")
    PIMPINAN = "pimpinan", _("Leader (pimpinan)")
    STAF = "staf", _("Staff")
    # BKPSDM: sees and reports the attendance of the whole tenant.
    KEPEGAWAIAN = "kepegawaian", _("Personnel office (BKPSDM)")
    # A fingerprint/face machine pushing check-ins with its API token.
    MESIN_ABSEN = "mesin_absen", _("Attendance machine")


class UserRole(TenantOwned):
    """A role held by a user; unit-bound roles (unit admin, TU) name their unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=models.Q(unit__isnull=False),
                name="userrole_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(unit__isnull=True),
                name="userrole_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="userrole_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class ApiToken(TenantOwned):
    """A bearer token for the HTTP API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Scopes a personal token is narrowed to; None = every scope (the user's roles
    #: still decide inside each route). Service-account tokens use the account's.
    scopes = models.JSONField(null=True, blank=True)
    #: Set on the old token when it was rotated: it stays valid until expires_at
    #: (the grace period), then is refused as rotated out.
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class ServiceAccount(TenantOwned):
    """A machine identity of a tenant (another SKPD app), not a person.

    It signs in only with its API tokens: its ``user`` row has no password and no
    person, so it never holds a position, is never in a letter's chain and never
    appears in the lists of people. Its tokens reach only the routes of its
    ``scopes``; inside them the roles granted to its user decide, as for anyone.
    """

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="service_account"
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    scopes = models.JSONField(default=list)
    #: CIDRs the tokens may be used from; empty means from anywhere.
    ip_allowlist = models.JSONField(default=list, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(default=120)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service account")
        verbose_name_plural = _("service accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="serviceaccount_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rate_limit_per_minute__gte=1),
                name="serviceaccount_rate_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApiRateWindow(models.Model):
    """The request count of a service account in the current minute. One row per
    account in the shared database, so every app host counts against the same
    limit (not tenant-scoped: read and written before the tenant is known)."""

    account = models.OneToOneField(
        ServiceAccount, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.account_id}@{self.window_start}: {self.count}"


class Session(AbstractBaseSession):
    """A browser's session (``SESSION_ENGINE = "warkat.accounts.sessions"``): Django's
    database session with the signed-in user's id beside the signed data, so that
    the phone's check-in (``attendance.fastsession``) reads the session, its user and
    every input of the check-in in one round trip. The column is a copy for finding
    the row: the fast path still decodes the signed data and requires the same user
    (and Django's full path reads only the data, as always)."""

    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        """The configured engine's store (``warkat.accounts.sessions``)."""
        return cast(type[Any], import_string(f"{settings.SESSION_ENGINE}.SessionStore"))
