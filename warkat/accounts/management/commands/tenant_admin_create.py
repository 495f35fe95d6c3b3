"""``manage.py tenant_admin_create <region_code> <username>``: a tenant's first admin."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.accounts.models import Role
from warkat.accounts.services import user_create
from warkat.core.errors import DomainError
from warkat.org.models import Person
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


class Command(BaseCommand):
    help = (
        "Create a tenant administrator (e.g. the first one after tenant_create); "
        "prints the generated password, which must be changed at first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("region_code", help="the tenant's region code, e.g. 91.11")
        parser.add_argument("username", help="sign-in name, e.g. admin.keerom")
        parser.add_argument(
            "--person-nip", default=None, help="NIP of the person this ID belongs to"
        )
        parser.add_argument(
            "--password",
            default=None,
            help="initial password (default: a generated one, printed once)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region_code"]
        tenant = Tenant.objects.filter(region_code=code).first()
        if tenant is None:
            raise CommandError(
                f"No tenant with region code {code}; create it with tenant_create. / "
                f"Tidak ada tenant dengan kode wilayah {code}; buat dengan tenant_create."
            )
        with tenant_scope(tenant):
            person = None
            if nip := options["person_nip"]:
                person = Person.objects.filter(nip=nip.strip()).first()
                if person is None:
                    raise CommandError(
                        f"No person with NIP {nip} in {tenant.name}. / "
                        f"Tidak ada pegawai dengan NIP {nip} di {tenant.name}."
                    )
            try:
                user, password = user_create(
                    tenant=tenant,
                    actor=None,
                    username=options["username"],
                    person=person,
                    password=options["password"],
                    roles=[(Role.TENANT_ADMIN, None)],
                )
            except DomainError as exc:
                raise CommandError(f"{exc.text('en')} / {exc.text('id')}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created tenant administrator {user.username} for {tenant.name}."
            )
        )
        if options["password"] is None:
            # Shown once only: it is stored hashed and must be changed at first sign-in.
            self.stdout.write(f"Temporary password: {password}")
