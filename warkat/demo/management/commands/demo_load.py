"""``manage.py demo_load``: Provinsi Papua hosting Kabupaten Keerom, with Keerom's
organisation, demo accounts and letters. Idempotent: a second run only prints the
demo log-ins."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

PROVINCE_CODE = "91"
KABUPATEN_CODE = "91.11"


class Command(BaseCommand):
    help = "Load the demo: Provinsi Papua hosting Kabupaten Keerom (91.11)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo is not loaded in production (WARKAT_PRODUCTION is set): its "
                "accounts share a published password."
            )
        started = time.perf_counter()
        papua = Tenant.objects.filter(region_code=PROVINCE_CODE).first()
        keerom = Tenant.objects.filter(region_code=KABUPATEN_CODE).first()
        if papua is None:
            papua = self._load_province()
        if keerom is None:
            keerom = self._load_kabupaten(host=papua)
            self.stdout.write(f"Demo loaded in {time.perf_counter() - started:.1f} s.")
        else:
            self.stdout.write("Demo already loaded.")
        self.stdout.write(login_table(keerom))

    @transaction.atomic
    def _load_province(self) -> Tenant:
        from warkat.demo.organisation import demo_province_load
        from warkat.tenancy.services import tenant_create

        papua = tenant_create(region_code=PROVINCE_CODE, actor=None)
        with tenant_scope(papua):
            demo_province_load(tenant=papua)
        return papua

    @transaction.atomic
    def _load_kabupaten(self, *, host: Tenant) -> Tenant:
        from warkat.demo.accounts import demo_accounts_load
        from warkat.demo.archive import demo_archive_load
        from warkat.demo.attendance import demo_attendance_load
        from warkat.demo.drafting import demo_drafting_load
        from warkat.demo.letters import demo_letters_load
        from warkat.demo.organisation import demo_org_load
        from warkat.demo.search import demo_search_index
        from warkat.demo.service_accounts import demo_service_account_load
        from warkat.demo.sso import demo_sso_load
        from warkat.demo.webhooks import demo_webhooks_load
        from warkat.tenancy.services import tenant_create

        keerom = tenant_create(region_code=KABUPATEN_CODE, actor=None, host=host)
        with tenant_scope(keerom):
            org = demo_org_load(tenant=keerom)
            demo_accounts_load(tenant=keerom, people=org["people"])
            demo_letters_load(tenant=keerom, people=letter_actors(org["people"]))
            # Before drafting: its signed and reviewed letters wait for the receiver.
            demo_webhooks_load(tenant=keerom)
            demo_drafting_load(tenant=keerom, people=org["people"])
            demo_attendance_load(tenant=keerom, people=org["people"])
            demo_archive_load(tenant=keerom, people=org["people"])
            demo_sso_load(tenant=keerom)
            demo_service_account_load(tenant=keerom)
            demo_search_index(tenant=keerom)
        return keerom


#: Who plays which part in the demo letters (``warkat.demo.letters``): the Setda's TU
#: registers letters addressed to the Sekda, who disposes them to the two Asisten;
#: the Kepala Bagian Pemerintahan works below Asisten I.
LETTER_ACTORS = {
    "tu": "tu_setda",
    "pimpinan": "sekda",
    "bawahan_1": "asisten1",
    "bawahan_2": "asisten3",
    "staf": "kabag_pem",
}


def letter_actors(people: dict[str, Any]) -> dict[str, Any]:
    """The users of the demo people who play the letters' parts."""
    from warkat.accounts.models import User

    return {
        part: User.objects.get(person=people[key])
        for part, key in LETTER_ACTORS.items()
    }


#: The accounts the README lists, in this order; the other demo users sign in with
#: their NIP.
NAMED = (
    "admin",
    "bupati",
    "wabup",
    "sekda",
    "tu.setda",
    "kadis.kominfo",
    "staf.kominfo",
)


def login_table(tenant: Tenant) -> str:
    """The demo accounts of ``tenant`` that still have the demo password."""
    from allauth.mfa.models import Authenticator

    from warkat.accounts.models import User
    from warkat.demo.accounts import DEMO_TOTP_SECRET
    from warkat.org.selectors import positions_held

    order = {f"{stem}.{tenant.slug}": i for i, stem in enumerate(NAMED)}
    with tenant_scope(tenant):
        users = list(
            User.objects.filter(tenant=tenant, password_is_demo=True, is_active=True)
            .select_related("person")
            .order_by("username")
        )
        with_totp = set(
            Authenticator.objects.filter(
                user__in=users, type=Authenticator.Type.TOTP
            ).values_list("user_id", flat=True)
        )
        named = sorted(
            (u for u in users if not u.username.isdigit()),
            key=lambda u: (order.get(u.username, len(order)), u.username),
        )
        rows = []
        for user in named:
            held = list(positions_held(person=user.person)) if user.person else []
            position = (
                f"{held[0].capacity_prefix} {held[0].position.name}".strip()
                if held
                else ""
            )
            rows.append(
                (
                    user.username,
                    position,
                    ", ".join(sorted(user.role_set())),
                    "TOTP" if user.pk in with_totp else "",
                )
            )
    by_nip = [u for u in users if u.username.isdigit()]
    if not rows:
        return "No demo accounts."
    header = ("username", "jabatan", "roles", "2FA")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    lines = [
        "",
        f"Demo log-ins for {tenant.name} — password {settings.WARKAT_DEMO_PASSWORD}",
        line(header),
        line(tuple("-" * w for w in widths)),
        *(line(row) for row in rows),
    ]
    if by_nip:
        lines.append(
            f"… and {len(by_nip)} more people who sign in with their NIP "
            f"(e.g. {by_nip[0].username}), same password; README.md lists every "
            "pimpinan."
        )
    if with_totp:
        lines.append(
            "Accounts marked TOTP (signers) also enter a code from an authenticator "
            f"app set up with the secret {DEMO_TOTP_SECRET}, or, without a phone, "
            "from `.venv/bin/python manage.py totp <username>` or "
            f"`oathtool --totp -b {DEMO_TOTP_SECRET}`."
        )
    return "\n".join(lines)
