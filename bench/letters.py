"""Benchmark scenarios of incoming letters and dispositions (issue 3), for
``bench.run``: inbox first page (page and API), disposition create, and the letter
page with a 30-node disposition tree.

Each scenario prepares what it needs through the real services (letters to dispose,
a letter with a 30-node tree) once per dataset and caches it in ``ds.extra``; the
generated bulk data (``bench.letterdata``) only has to provide volume. The runner
imports ``SCENARIOS`` from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from bench.scenario import Dataset, Scenario

PREPARED_DISPOSALS = 400


def _scope(ds: Dataset) -> Any:
    from warkat.tenancy.scope import tenant_scope

    return tenant_scope(ds.tenant)


def _client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _user_holding(position: Any) -> Any:
    """A user of a person who holds ``position`` today (made if the person has none)."""
    from warkat.accounts.models import User
    from warkat.org.selectors import position_holders

    holder = position_holders(position=position).first()
    if holder is None:
        raise RuntimeError(f"nobody holds {position} today")
    user = User.objects.filter(person=holder.person).first()
    if user is None:
        user = User.objects.create_user(
            username=f"bench-p{holder.person_id}",
            password=None,
            tenant=position.tenant,
            person=holder.person,
        )
    return user


def _admin(ds: Dataset) -> Any:
    from warkat.accounts.models import User

    return User.objects.get(username=f"admin.{ds.tenant.slug}")


def _bupati(ds: Dataset) -> tuple[Any, Any]:
    from warkat.accounts.models import User
    from warkat.letters.access import held_positions
    from warkat.org.models import Position

    user = User.objects.get(username=f"bupati.{ds.tenant.slug}")
    return user, Position.objects.select_related("unit").get(
        pk=next(iter(held_positions(user)))
    )


def _register(ds: Dataset, *, position: Any, n: int, tag: str) -> list[Any]:
    from warkat.archive.models import ClassificationCode
    from warkat.letters.services.delivery import receiving_unit
    from warkat.letters.services.registration import letter_register

    admin = _admin(ds)
    code = ClassificationCode.objects.get(code="000.1.1")
    unit = receiving_unit(position)
    return [
        letter_register(
            actor=admin,
            unit=unit,
            addressed_position=position,
            subject=f"Bench {tag} {i}",
            classification=code,
            number=f"BENCH/{tag}/{i}",
            letter_date=dt.date.today() - dt.timedelta(days=1),
            sender_institution="Bench",
            confirm_duplicate=True,
        )
        for i in range(n)
    ]


def _bupati_client(ds: Dataset) -> Any:
    """The Bupati's client, past the first-sign-in password change (pages only)."""
    from warkat.accounts.models import User

    User.objects.filter(username=f"bupati.{ds.tenant.slug}").update(
        must_change_password=False
    )
    return ds.clients["bupati"]


def _inbox(path: str) -> Callable[[Dataset], Callable[[], Any]]:
    def prepare(ds: Dataset) -> Callable[[], Any]:
        client = _bupati_client(ds)
        return lambda: client.get(path)

    return prepare


def _busiest_inbox(ds: Dataset) -> Callable[[], Any]:
    """The inbox of the holder of the position that received most dispositions."""
    from django.db.models import Count

    from warkat.dispositions.models import Disposition
    from warkat.org.models import Position

    if "busiest" not in ds.extra:
        with _scope(ds):
            row = (
                Disposition.objects.values("to_position")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .first()
            )
            if row is None:
                ds.extra["busiest"] = ds.clients["bupati"]
            else:
                position = Position.objects.get(pk=row["to_position"])
                ds.extra["busiest"] = _client_for(_user_holding(position))
    client = ds.extra["busiest"]
    return lambda: client.get("/api/v1/inbox")


def _dispose(ds: Dataset) -> Callable[[], Any]:
    """Each call disposes a fresh letter of the Bupati to one position below."""
    from warkat.dispositions.rules import disposition_candidates

    if "dispose" not in ds.extra:
        with _scope(ds):
            _user, bupati = _bupati(ds)
            letters = _register(
                ds, position=bupati, n=PREPARED_DISPOSALS, tag="dispose"
            )
            target = disposition_candidates(from_position=bupati).first()
            assert target is not None
        ds.extra["dispose"] = (iter(letters), target.pk)
    letters_left: Iterator[Any]
    letters_left, target_id = ds.extra["dispose"]
    client = ds.clients["bupati"]

    def call() -> Any:
        letter = next(letters_left)
        return client.post(
            f"/api/v1/letters/{letter.pk}/dispositions",
            {"to_position_ids": [target_id], "instructions": ["Tindak lanjuti"]},
            content_type="application/json",
        )

    return call


def _tree_letter(ds: Dataset) -> Any:
    """A letter of the Bupati disposed to 5 heads, each re-disposing to 5: 30 nodes."""
    from warkat.dispositions.rules import disposition_candidates
    from warkat.dispositions.services.create import disposition_create
    from warkat.org.models import Position

    user, bupati = _bupati(ds)
    (letter,) = _register(ds, position=bupati, n=1, tag="tree")
    heads = [
        p
        for p in Position.objects.filter(is_head=True, is_active=True)
        .exclude(pk=bupati.pk)
        .select_related("unit")
        .order_by("unit__depth", "pk")[:60]
        if disposition_candidates(from_position=p).count() >= 5
    ][:5]
    roots = disposition_create(
        actor=user,
        letter=letter,
        to_position_ids=[h.pk for h in heads],
        instructions=["Tindak lanjuti"],
    )
    for root, head in zip(roots, heads, strict=True):
        below = list(disposition_candidates(from_position=head)[:5])
        disposition_create(
            actor=_user_holding(head),
            letter=letter,
            parent=root,
            to_position_ids=[p.pk for p in below],
            instructions=["Siapkan jawaban"],
        )
    return letter


def _letter_page(api: bool) -> Callable[[Dataset], Callable[[], Any]]:
    def prepare(ds: Dataset) -> Callable[[], Any]:
        if "tree" not in ds.extra:
            with _scope(ds):
                ds.extra["tree"] = _tree_letter(ds)
        letter = ds.extra["tree"]
        client = _bupati_client(ds)
        path = f"/api/v1/letters/{letter.pk}" if api else f"/surat/{letter.pk}/"
        return lambda: client.get(path)

    return prepare


SCENARIOS = [
    Scenario("Inbox page, Bupati", "letters", _inbox("/surat/masuk/")),
    Scenario("API inbox, Bupati", "letters", _inbox("/api/v1/inbox")),
    Scenario("API inbox, busiest position", "letters", _busiest_inbox),
    Scenario("API disposition create", "letters", _dispose, expect_status=201),
    Scenario("Letter page, 30-node tree", "letters", _letter_page(api=False)),
    Scenario("API letter, 30-node tree", "letters", _letter_page(api=True)),
]

__all__ = ["SCENARIOS"]
