"""Generated incoming letters and disposition chains for benchmarks.

Letters are registered in the Setda's agenda book, addressed to the Bupati, and
disposed down the hierarchy (Bupati → Sekda → a Kepala OPD → a Kepala Bidang → a
Kepala Seksi …), each hop sent by the definitif holder of its position. Agenda numbers
run per year without gaps and the agenda counters end at the last number, so the data
satisfies every constraint the services keep. One extra letter carries a 30-node
disposition tree for the letter-page benchmark (``tree_letter``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from bench.bulk import insert_objects, next_id
from warkat.archive.models import ClassificationCode
from warkat.dispositions.models import Disposition
from warkat.letters.models import AgendaCounter, Letter
from warkat.org.models import Assignment, Position, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

CHUNK = 20_000
TREE_SUBJECT = "Surat uji dengan pohon disposisi 30 simpul"
SENDERS = (
    "Kementerian Dalam Negeri",
    "Pemerintah Provinsi Papua",
    "Badan Pusat Statistik Kabupaten",
    "Kantor Pertanahan",
    "PT PLN (Persero) UP3 Jayapura",
    "Universitas Cenderawasih",
)
SUBJECTS = (
    "Undangan Rapat Koordinasi",
    "Permohonan Data",
    "Penyampaian Laporan Triwulan",
    "Pemberitahuan Jadwal Monitoring",
    "Permohonan Narasumber",
    "Edaran Penyusunan Anggaran",
)


@dataclass(frozen=True)
class LettersSummary:
    letters: int
    dispositions: int


@dataclass
class _Org:
    setda: Unit
    bupati: Position
    holder: dict[int, int]  # position id → person id (definitif holder)
    below: dict[int, list[int]]  # position id → subordinate position ids


def _org() -> _Org:
    below: dict[int, list[int]] = {}
    for pk, superior in Position.objects.values_list("pk", "superior_id"):
        if superior is not None:
            below.setdefault(superior, []).append(pk)
    holder = dict(
        Assignment.objects.filter(kind="definitif", end_date=None).values_list(
            "position_id", "person_id"
        )
    )
    return _Org(
        setda=Unit.objects.get(code="SETDA"),
        bupati=Position.objects.get(code="BUPATI"),
        holder=holder,
        below={k: sorted(v) for k, v in below.items()},
    )


def _chain(org: _Org, rng: random.Random, hops: int) -> list[int]:
    """Positions from the Bupati down ``hops`` levels, each held by somebody."""
    path = [org.bupati.pk]
    while len(path) <= hops:
        options = [p for p in org.below.get(path[-1], []) if p in org.holder]
        if not options:
            break
        path.append(rng.choice(options))
    return path


@transaction.atomic
def letters_generate(
    *, tenant: Tenant, letters: int, dispositions: int, seed: int = 0, log: bool = False
) -> LettersSummary:
    """``letters`` incoming letters with up to ``dispositions`` dispositions in all
    (chains of about dispositions/letters hops; a chain stops early where a position
    has nobody below it, which a fully staffed organisation never does), plus the
    30-node tree letter."""
    rng = random.Random(f"{seed}:{tenant.region_code}:letters")
    with tenant_scope(tenant):
        org = _org()
        codes = list(
            ClassificationCode.objects.exclude(retention_active_years=None)
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        registrar = _registrar(tenant)
        per_letter = dispositions // letters if letters else 0
        extra = dispositions - per_letter * letters if letters else 0
        letter_ids = iter(range(next_id(Letter), 10**12))
        disposition_ids = iter(range(next_id(Disposition), 10**12))
        today = timezone.localdate()
        years = sorted({today.year - 2, today.year - 1, today.year})
        counters = dict.fromkeys(years, 0)
        totals = [0, 0]
        batch: list[Letter] = []
        hops_batch: list[Disposition] = []
        for n in range(letters):
            year = years[n * len(years) // letters]
            counters[year] += 1
            received = _day(rng, year, today)
            hops = per_letter + (1 if n < extra else 0)
            letter = Letter(
                pk=next(letter_ids),
                tenant=tenant,
                direction="incoming",
                unit=org.setda,
                subject=f"{rng.choice(SUBJECTS)} {n + 1}",
                summary="Surat uji beban.",
                classification_id=rng.choice(codes) if codes else None,
                security="terbatas" if rng.random() < 0.1 else "biasa",
                urgency=rng.choice(("biasa", "biasa", "segera", "amat_segera")),
                number=f"{n + 1}/UJI/{year}",
                letter_date=received - dt.timedelta(days=2),
                sender_institution=rng.choice(SENDERS),
                sender_name="Kepala",
                received_date=received,
                addressed_position=org.bupati,
                agenda_year=year,
                agenda_number=counters[year],
                status="disposed" if hops else "new",
                # The Bupati opens a letter before disposing it (the letter page
                # records the first read), so only undisposed letters are unread.
                read_at=_at(received, 8, 30) if hops else None,
                registered_by_id=registrar,
                created_at=_at(received, 8),
                updated_at=_at(received, 8),
            )
            batch.append(letter)
            hops_batch += _dispositions(
                tenant, org, rng, letter, _chain(org, rng, hops), disposition_ids
            )
            # Written in chunks: a million letters never sit in memory at once.
            if len(batch) >= CHUNK or n == letters - 1:
                totals[0] += insert_objects(Letter, batch)
                totals[1] += insert_objects(Disposition, hops_batch)
                batch, hops_batch = [], []
                if log:
                    print(
                        f"  {totals[0]} letters, {totals[1]} dispositions", flush=True
                    )
        for year, last in counters.items():
            if last:
                AgendaCounter.objects.update_or_create(
                    tenant=tenant,
                    unit=org.setda,
                    direction="incoming",
                    year=year,
                    defaults={"last_number": last},
                )
    tree_letter(tenant=tenant)
    return LettersSummary(letters=totals[0] + 1, dispositions=totals[1] + 30)


def _registrar(tenant: Tenant) -> int | None:
    from warkat.accounts.models import User

    return (
        User.objects.filter(tenant=tenant, username__startswith="admin.")
        .values_list("pk", flat=True)
        .first()
    )


def _day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    last = today if year == today.year else dt.date(year, 12, 31)
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(
        days=rng.randrange(last.toordinal() - first.toordinal() + 1)
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def _dispositions(
    tenant: Tenant,
    org: _Org,
    rng: random.Random,
    letter: Letter,
    path: list[int],
    ids: Iterator[int],
) -> list[Disposition]:
    """One hop per step of ``path``; the last hop is still open."""
    made: list[Disposition] = []
    parent: Disposition | None = None
    assert letter.received_date is not None
    for depth, (sender, recipient) in enumerate(itertools.pairwise(path)):
        last = depth == len(path) - 2
        sent = _at(letter.received_date, 9 + depth)
        state = rng.choice(("sent", "read", "followed_up")) if last else "forwarded"
        d = Disposition(
            pk=next(ids),
            tenant=tenant,
            letter=letter,
            parent=parent,
            from_position_id=sender,
            from_person_id=org.holder[sender],
            from_capacity="definitif",
            to_position_id=recipient,
            instructions=["Tindak lanjuti"],
            note="",
            deadline=letter.received_date + dt.timedelta(days=7),
            state=state,
            sent_at=sent,
            read_at=None if state == "sent" else sent + dt.timedelta(hours=1),
            read_by_id=None if state == "sent" else org.holder[recipient],
            followed_up_at=sent + dt.timedelta(hours=3)
            if state == "followed_up"
            else None,
        )
        made.append(d)
        parent = d
    return made


def tree_letter(*, tenant: Tenant) -> Letter:
    """The letter with a 30-node disposition tree (made once per tenant): the Bupati
    to the Sekda, the Sekda to OPD heads, each head to their Kepala Bidang."""
    with tenant_scope(tenant):
        existing = Letter.objects.filter(subject=TREE_SUBJECT).first()
        if existing is not None:
            return existing
        org = _org()
        today = timezone.localdate()
        counter, _ = AgendaCounter.objects.get_or_create(
            tenant=tenant, unit=org.setda, direction="incoming", year=today.year
        )
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        letter = Letter(
            pk=next_id(Letter),
            tenant=tenant,
            direction="incoming",
            unit=org.setda,
            subject=TREE_SUBJECT,
            number="TREE/30",
            letter_date=today,
            sender_institution=SENDERS[0],
            received_date=today,
            addressed_position=org.bupati,
            agenda_year=today.year,
            agenda_number=counter.last_number,
            status="disposed",
            read_at=timezone.now(),
        )
        insert_objects(Letter, [letter])
        ids = iter(range(next_id(Disposition), 10**12))
        nodes: list[Disposition] = []

        def hop(sender: int, recipient: int, parent: Any) -> Disposition:
            d = Disposition(
                pk=next(ids),
                tenant=tenant,
                letter=letter,
                parent=parent,
                from_position_id=sender,
                from_person_id=org.holder[sender],
                from_capacity="definitif",
                to_position_id=recipient,
                instructions=["Tindak lanjuti"],
                deadline=today + dt.timedelta(days=7),
                state="read",
                sent_at=timezone.now(),
                read_at=timezone.now(),
                read_by_id=org.holder[recipient],
            )
            nodes.append(d)
            return d

        sekda = next(p for p in org.below[org.bupati.pk] if p in org.holder)
        top = hop(org.bupati.pk, sekda, None)
        for head in [p for p in org.below.get(sekda, []) if p in org.holder]:
            if len(nodes) >= 30:
                break
            d = hop(sekda, head, top)
            for sub in [p for p in org.below.get(head, []) if p in org.holder]:
                if len(nodes) >= 30:
                    break
                hop(head, sub, d)
        insert_objects(Disposition, nodes)
        return letter
