"""Seed a fresh ``Cluster`` database: one tenant (Kabupaten Keerom) with the letters
tests' organisation (``build_org``), four signers of one dinas with certificates
and the demo authenticator, ``--drafts`` approved drafts waiting for each of them,
and API tokens; with ``--people N`` first a generated organisation of N people with
accounts, tokens and office locations (``bench.cluster_people``). Prints one JSON line with the ids, names and tokens the tests and
the load test use. Run as ``python -m bench.cluster_seed`` with the cluster's
environment."""

from __future__ import annotations

import argparse
import json
import os

import django

SIGNERS = ("kadis", "sekdis", "kabid_a", "kabid_b")
PASSWORD = "x-Pass-12345"


def seed(*, drafts: int, people: int = 0) -> dict[str, object]:
    from bench.cluster_people import people_seed
    from warkat.accounts.services import api_token_create
    from warkat.demo.accounts import DEMO_TOTP_SECRET
    from warkat.demo.drafting import _review_all
    from warkat.drafting.services.drafts import draft_create
    from warkat.drafting.services.review import draft_submit
    from warkat.drafting.tests.factories import PASSPHRASE, fields, signer_ready
    from warkat.letters.tests.factories import build_org
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    tenant = tenant_create(region_code="91.11", actor=None)
    with tenant_scope(tenant):
        # Codes prefixed: the generated OPDs include a DINKES of their own.
        o = build_org(tenant, prefix="LT" if people else "")
        staff = (
            people_seed(
                tenant=tenant, people=people, password=PASSWORD, head=o.pos.bupati
            )
            if people
            else []
        )
        for key in SIGNERS:
            signer_ready(o, key)
        waiting: dict[str, list[int]] = {}
        for key in SIGNERS:
            position = getattr(o.pos, key)
            waiting[key] = []
            for i in range(drafts):
                draft = draft_create(
                    actor=o.users.staf_a,
                    fields=fields(
                        o, signer_position=position, subject=f"Surat {key} {i}"
                    ),
                )
                draft_submit(actor=o.users.staf_a, draft=draft)
                draft.refresh_from_db()
                _review_all(draft)
                waiting[key].append(draft.letter_id)
        users = {key: getattr(o.users, key).username for key in vars(o.users)}
        tokens = {
            key: api_token_create(
                user=getattr(o.users, key), name="cluster", ttl_days=60
            )[1]
            for key in vars(o.users)
        }
        return {
            "tenant": tenant.pk,
            "dinas": o.dinas.pk,
            "positions": {key: pos.pk for key, pos in vars(o.pos).items()},
            "users": users,
            "tokens": tokens,
            "password": PASSWORD,
            "passphrase": PASSPHRASE,
            "drafts": waiting,
            "totp_secret": DEMO_TOTP_SECRET,
            "people": staff,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=2)
    parser.add_argument("--people", type=int, default=0,
                        help="also a generated organisation of this many people")  # fmt: skip
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    django.setup()
    print(json.dumps(seed(drafts=args.drafts, people=args.people)))


if __name__ == "__main__":
    main()
