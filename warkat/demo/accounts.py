"""Demo user accounts for the demo organisation (``warkat.demo.organisation``), idempotently.

Every demo account has the password ``settings.WARKAT_DEMO_PASSWORD``, which
production refuses. Signers (pimpinan and heads of unit) must use two-factor sign-in,
so each demo signer gets a TOTP authenticator with the fixed, public secret
``DEMO_TOTP_SECRET``: testers compute the current code with
``oathtool --totp -b WARKATDEMOTOTPKEEROMPAPUAWARKATX`` (or any authenticator app fed
with the secret), or in Python with ``demo_totp_code()``.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from warkat.accounts.models import Role, User
from warkat.accounts.services import user_create
from warkat.audit.services import audit_record
from warkat.org.models import Assignment, Person, Unit
from warkat.tenancy.models import Tenant

#: Base32 TOTP secret of every demo signer. Public on purpose: demo data only.
DEMO_TOTP_SECRET = "WARKATDEMOTOTPKEEROMPAPUAWARKATX"

#: people key → (username stem, roles); unit-bound roles name a unit code.
NAMED_ACCOUNTS: dict[str, tuple[str, list[tuple[str, str | None]]]] = {
    "admin": ("admin", [(Role.TENANT_ADMIN, None), (Role.STAF, None)]),
    "bupati": ("bupati", [(Role.PIMPINAN, None)]),
    # The Wakil Bupati heads no unit but leads with the Bupati: disposes and signs.
    "wabup": ("wabup", [(Role.PIMPINAN, None)]),
    "sekda": ("sekda", [(Role.PIMPINAN, None)]),
    "tu_setda": ("tu.setda", [(Role.TU, "SETDA"), (Role.STAF, None)]),
    "kadis_kominfo": ("kadis.kominfo", [(Role.PIMPINAN, None)]),
    "staf_kominfo": ("staf.kominfo", [(Role.STAF, None)]),
    # The personnel office: attendance boards and recaps of the whole Pemda.
    "kadis_bkpsdm": ("bkpsdm", [(Role.PIMPINAN, None), (Role.KEPEGAWAIAN, None)]),
}


def demo_totp_code(at: float | None = None) -> str:
    """The demo signers' current authenticator code (``at``: a Unix time)."""
    now = time.time() if at is None else at
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now) // 30))


def _heads(tenant: Tenant) -> set[int]:
    today = timezone.localdate()
    return set(
        Assignment.objects.filter(
            position__is_head=True,
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("person_id", flat=True)
    )


def _key_username(key: str, person: Person, slug: str) -> str:
    if person.nip:
        return person.nip
    return f"{key.replace('_', '.')}.{slug}"


@transaction.atomic
def demo_accounts_load(
    *, tenant: Tenant, people: dict[str, Any]
) -> list[tuple[str, str]]:
    """Create the demo users of ``tenant`` (inside its scope) for ``people``
    (``{key: Person}`` from ``warkat.demo.organisation.demo_org_load``); returns (username,
    password) of the named accounts first, then the rest. Existing users are kept."""
    password = settings.WARKAT_DEMO_PASSWORD
    slug = tenant.slug
    units = {u.code: u for u in Unit.objects.filter(code__in=["SETDA"])}
    heads = _heads(tenant)
    done: set[int] = set()
    named: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []

    def ensure(key: str, person: Person, username: str, roles: list[Any]) -> None:
        if person.pk in done:
            return
        done.add(person.pk)
        user = User.objects.filter(person=person).first()
        if user is None:
            user, _ = user_create(
                tenant=tenant,
                actor=None,
                username=username,
                person=person,
                password=password,
                roles=roles,
            )
        target = named if key in NAMED_ACCOUNTS else others
        target.append((user.username, password))
        if user.has_role(Role.PIMPINAN) or person.pk in heads:
            _demo_totp(tenant, user)

    for key, (stem, role_specs) in NAMED_ACCOUNTS.items():
        person = people.get(key)
        if person is None:
            continue
        roles = [(r, units.get(code) if code else None) for r, code in role_specs]
        roles = [(r, u) for r, u in roles if r not in (Role.TU,) or u is not None]
        ensure(key, person, f"{stem}.{slug}", roles)
    for key, person in sorted(people.items()):
        roles = [(Role.PIMPINAN if person.pk in heads else Role.STAF, None)]
        ensure(key, person, _key_username(key, person, slug), roles)
    return named + others


def _demo_totp(tenant: Tenant, user: User) -> None:
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return
    TOTP.activate(user, DEMO_TOTP_SECRET)
    audit_record(
        tenant=tenant,
        actor=None,
        action="mfa.authenticator_add",
        obj=user,
        data={"type": "totp", "demo": True},
    )
