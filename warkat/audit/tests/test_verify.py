"""Chain verification finds the first altered, reordered or missing event; on
PostgreSQL the database itself refuses to change events outside maintenance."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from warkat.audit.models import AuditEvent
from warkat.audit.services import AuditEntry, audit_record, audit_records, event_hash
from warkat.audit.verify import ALTERED, MISSING, REORDERED, audit_chain_verify
from warkat.tenancy.models import Tenant


@contextmanager
def maintenance() -> Iterator[None]:
    """What an attacker with database access (or an operator) would have to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('warkat.audit_maintenance', 'on', false)")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('warkat.audit_maintenance', 'off', false)"
                )


@pytest.fixture
def chain(in_tenant: Tenant) -> Tenant:
    """Keerom's chain: tenant.create plus five events."""
    for i in range(5):
        audit_record(tenant=in_tenant, actor=None, action="test.step", data={"i": i})
    return in_tenant


def test_intact_chain(chain: Tenant) -> None:
    report = audit_chain_verify(tenant=chain)
    assert report.ok and report.checked == 6


def test_several_events_with_one_lock_chain_alike(chain: Tenant) -> None:
    """``audit_records`` appends in order, each event linked to the one before,
    and leaves the head at the last: the chain verifies and goes on."""
    events = audit_records(
        tenant=chain,
        entries=[
            AuditEntry(actor=None, action="test.many", data={"n": n}) for n in range(3)
        ],
    )
    audit_record(tenant=chain, actor=None, action="test.after")
    assert [e.seq for e in events] == [7, 8, 9]
    assert (
        events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    )
    report = audit_chain_verify(tenant=chain)
    assert report.ok and report.checked == 10


def test_altered_event(chain: Tenant) -> None:
    with maintenance():
        AuditEvent.objects.filter(seq=3).update(data={"i": 99})
    report = audit_chain_verify(tenant=chain)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, ALTERED)
    assert report.checked == 2


def test_changed_actor_hidden_behind_a_forged_origin(chain: Tenant) -> None:
    # ``origin`` (the ids an imported event was hashed with) cannot be used to
    # change who acted: outside what an import brought, an event never has one.
    from warkat.accounts.models import User

    intruder = User.objects.create(username="penyusup", tenant=chain)
    with maintenance():
        AuditEvent.objects.filter(seq=3).update(actor=intruder, origin={"actor": None})
    report = audit_chain_verify(tenant=chain)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, ALTERED)


def test_deleted_event(chain: Tenant) -> None:
    with maintenance():
        AuditEvent.objects.filter(seq=4).delete()
    report = audit_chain_verify(tenant=chain)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (4, MISSING)


def test_deleted_last_event(chain: Tenant) -> None:
    with maintenance():
        AuditEvent.objects.filter(seq=6).delete()
    report = audit_chain_verify(tenant=chain)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (6, MISSING)


def test_reordered_events(chain: Tenant) -> None:
    """Swap events 3 and 4, even recomputing their own hashes: the links break."""
    e3 = AuditEvent.objects.get(seq=3)
    e4 = AuditEvent.objects.get(seq=4)
    with maintenance(), transaction.atomic():
        AuditEvent.objects.filter(pk=e3.pk).update(seq=1000)
        e4.seq = 3
        e3.seq = 4
        for event in (e4, e3):
            event.hash = event_hash(prev_hash=event.prev_hash, event=event)
        AuditEvent.objects.filter(pk=e4.pk).update(seq=3, hash=e4.hash)
        AuditEvent.objects.filter(pk=e3.pk).update(seq=4, hash=e3.hash)
    report = audit_chain_verify(tenant=chain)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, REORDERED)


def test_other_tenants_chain_is_separate(chain: Tenant, other_tenant: Tenant) -> None:
    with maintenance():
        AuditEvent.objects.filter(seq=2).update(action="forged")
    assert not audit_chain_verify(tenant=chain).ok
    assert audit_chain_verify(tenant=other_tenant).ok


def test_command_exit_codes(chain: Tenant, capsys: Any) -> None:
    call_command("audit_verify", "--tenant", "91.11")
    assert "OK" in capsys.readouterr().out
    with maintenance():
        AuditEvent.objects.filter(seq=5).update(actor_name="someone")
    with pytest.raises(SystemExit) as exc:
        call_command("audit_verify")
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "#5" in out and "altered" in out


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize("change", ["update", "delete"])
def test_postgres_refuses_to_change_events(chain: Tenant, change: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events = AuditEvent.objects.filter(seq=2)
        if change == "update":
            events.update(action="forged")
        else:
            events.delete()
    assert audit_chain_verify(tenant=chain).ok


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recording_outside_a_transaction_is_its_own(in_tenant: Tenant) -> None:
    """``audit_record`` opens its own transaction when the caller has none (the
    chain head is locked), and adds no savepoint when it has one."""
    assert not connection.in_atomic_block
    first = audit_record(tenant=in_tenant, actor=None, action="test.alone")
    with transaction.atomic():
        second = audit_record(tenant=in_tenant, actor=None, action="test.nested")
    assert second.seq == first.seq + 1 and second.prev_hash == first.hash
    assert audit_chain_verify(tenant=in_tenant).ok
