"""A 5,000-person tenant for the load test (``bench.cluster_seed --people N``).

The organisation comes from ``bench.orgdata.org_generate`` (Setda and the OPDs, with
bidang/seksi, positions with superiors, people with valid NIPs, one definitif
assignment each). On top of it, for every generated person: a user account with the
load test's password (one Argon2 hash computed once and shared, so 5,000 accounts take
seconds instead of minutes; each still signs in through the real password check),
the ``staf`` role, an API bearer token and, for the heads of units (who sign and so
must have one), the demo authenticator (``DEMO_TOTP_SECRET``); and one work location per OPD (and one for
the Setda) and distrik so that every person can check in at their own office. Written with
``bulk_create``: the rows are what ``user_create``/``api_token_create``/
``location_create`` would write, without one audit event per row (one summary event
instead).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

#: The Keerom office area; each OPD's office is a few hundred metres from the last.
BASE_LAT = Decimal("-2.934560")
BASE_LON = Decimal("140.787010")


@transaction.atomic
def people_seed(
    *, tenant: Any, people: int, password: str, head: Any
) -> list[dict[str, Any]]:
    """Generate ``people`` people with accounts in ``tenant`` (inside its scope), below
    the existing kepala daerah's ``head`` position, and return, per person, the
    username, API token and office coordinates."""
    from allauth.mfa.totp.internal.auth import TOTP

    from bench.orgdata import org_generate
    from warkat.accounts.models import ApiToken, Role, User, UserRole
    from warkat.accounts.selectors import api_token_hash
    from warkat.accounts.services import TOKEN_PREFIX
    from warkat.attendance.models import WorkLocation
    from warkat.audit.services import audit_record
    from warkat.demo.accounts import DEMO_TOTP_SECRET
    from warkat.org.models import Assignment, Unit

    taken = set(Assignment.objects.values_list("person_id", flat=True))
    org_generate(tenant=tenant, people=people, head=head)
    root = Unit.objects.get(kind="pemda", parent=None)
    offices: dict[int, WorkLocation] = {}
    tops = Unit.objects.filter(parent=root).exclude(kind__in=["kelurahan", "desa"])
    # The Bupati's office too: the root is everyone's ancestor, so nobody is left
    # without a place (the generated staff of a unit check in at its own office).
    for i, unit in enumerate([root, *tops.order_by("pk")]):
        offices[unit.pk] = WorkLocation(
            tenant=tenant, unit=unit, name=f"Kantor {unit.name}"[:200],
            latitude=BASE_LAT + Decimal(i % 8) * Decimal("0.004"),
            longitude=BASE_LON + Decimal(i // 8) * Decimal("0.004"), radius_m=150,
        )  # fmt: skip
    WorkLocation.objects.bulk_create(offices.values())

    hashed = make_password(password)
    assignments = (
        Assignment.objects.exclude(person_id__in=taken)
        .select_related("person", "position__unit")
        .order_by("person_id")
    )
    users: list[User] = []
    office_of: dict[int, WorkLocation] = {}
    for a in assignments:
        person = a.person
        users.append(
            User(
                tenant=tenant, person=person, username=f"pegawai.{person.pk}",
                first_name=person.full_name[:150], password=hashed,
                must_change_password=False,
            )
        )  # fmt: skip
        ids = [int(p) for p in a.position.unit.path.split("/") if p.isdigit()]
        top = next((i for i in ids if i in offices and i != root.pk), 0)
        office_of[person.pk] = offices.get(top) or offices[root.pk]
    User.objects.bulk_create(users, batch_size=1000)
    users = list(
        User.objects.filter(tenant=tenant, username__startswith="pegawai.").order_by(
            "pk"
        )
    )
    # Heads sign letters: they must have an authenticator before using the app.
    heads = {a.person_id for a in assignments if a.position.is_head}
    for user in users:
        if user.person_id in heads:
            TOTP.activate(user, DEMO_TOTP_SECRET)
    UserRole.objects.bulk_create(
        [UserRole(tenant=tenant, user=u, role=Role.STAF) for u in users],
        batch_size=1000,
    )
    expires = timezone.now() + dt.timedelta(days=60)
    raws = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in users]
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                tenant=tenant, user=u, key_hash=api_token_hash(raw), name="load",
                prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
                expires_at=expires,
            )
            for u, raw in zip(users, raws, strict=True)
        ],
        batch_size=1000,
    )  # fmt: skip
    audit_record(
        tenant=tenant, actor=None, action="bench.generate", obj=tenant,
        data={"users": len(users), "work_locations": len(offices)},
    )  # fmt: skip
    return [
        {
            "username": u.username,
            "token": raw,
            "lat": float(office_of[u.person_id].latitude),
            "lon": float(office_of[u.person_id].longitude),
            "totp": u.person_id in heads,
        }
        for u, raw in zip(users, raws, strict=True)
        if u.person_id is not None
    ]
