"""No signed letter is left undelivered and no number half-taken when the process is
killed (SIGKILL, in a real child process) at the worst moment; on SQLite and
PostgreSQL. See ``core.queue``, ``drafting.recovery`` and ``drafting.sending``."""

from __future__ import annotations

import signal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction

from warkat.core.errors import DomainError
from warkat.drafting import sending
from warkat.drafting.models import Delivery, Draft, NumberCounter, NumberEntry
from warkat.drafting.recovery import numbers_pending_sweep
from warkat.drafting.tasks import deliveries_sweep
from warkat.drafting.tests.crash import die, run_killed
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.letters.models import Letter
from warkat.signing.models import SignedDocument
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": django_settings.TASKS["default"]["QUEUES"],
    }
}
DELIVER = "warkat.drafting.tasks.deliver_letter"


def _sign_in_child(tenant_id: int, draft_id: int, user_id: int, code: str) -> None:
    from warkat.accounts.models import User

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        sending.letter_sign(
            actor=User.objects.get(pk=user_id),
            draft=Draft.objects.get(pk=draft_id),
            passphrase=PASSPHRASE,
            otp=code,
        )


def _die_after_commit(tenant_id: int, draft_id: int, user_id: int, code: str) -> None:
    """Child: sign, and die right after the signing's last commit, before any
    on-commit hook (the killer is registered before the notice and the delivery)."""
    real = sending.deliveries_create

    def create_then_arm(**kw: Any) -> Any:
        rows = real(**kw)
        transaction.on_commit(die)
        return rows

    sending.deliveries_create = create_then_arm  # type: ignore[assignment]
    _sign_in_child(tenant_id, draft_id, user_id, code)


def _statuses(d: Draft) -> set[str]:
    return set(Delivery.objects.filter(draft=d).values_list("status", flat=True))


def _delivered(o: SimpleNamespace, d: Draft) -> None:
    d.refresh_from_db()
    assert d.state == "sent" and _statuses(d) == {"delivered"}
    copies = Letter.objects.filter(direction="incoming", subject=d.letter.subject)
    assert copies.count() == 2  # the addressee and the tembusan


def _signed_then_killed(
    o: SimpleNamespace, tmp_path: Path, before: Any = None
) -> Draft:
    """An approved letter signed in a child killed right after the commit."""
    user, d = signer_ready(o), approved(o)
    if before is not None:
        before()  # e.g. forget the paraf notices queued so far
    code = otp()
    exit_code = run_killed(
        tmp_path, _die_after_commit, o.tenant.pk, d.pk, user.pk, code
    )
    assert exit_code == -signal.SIGKILL
    d.refresh_from_db()
    assert d.state == "signed" and _statuses(d) == {"pending"}
    return d


def test_killed_after_commit_the_database_queue_still_delivers(
    o: SimpleNamespace, frozen: Any, tmp_path: Path, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    d = _signed_then_killed(o, tmp_path, before=DBTaskResult.objects.all().delete)
    # The delivery was queued in the signing transaction, so it survived the kill.
    queued = DBTaskResult.objects.filter(task_path=DELIVER, status="READY")
    assert [r.args_kwargs["kwargs"] for r in queued] == [
        {"tenant_id": o.tenant.pk, "draft_id": d.pk}
    ]
    frozen.shift(3600)
    assert deliveries_sweep(tenant_id=o.tenant.pk) == 0  # already queued: not twice
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False,
        verbosity=0,
    )  # fmt: skip
    _delivered(o, d)
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_killed_after_commit_the_sweep_delivers_with_another_backend(
    o: SimpleNamespace, frozen: Any, tmp_path: Path
) -> None:
    # The immediate backend is not transactional: delivery is queued on commit, and
    # the kill comes first.
    d = _signed_then_killed(o, tmp_path)
    assert deliveries_sweep(tenant_id=o.tenant.pk) == 0  # too early to call it lost
    frozen.shift(11 * 60)
    from warkat.drafting.tasks import recovery_run

    assert recovery_run.call() == {"deliveries": 1, "numbers": 0, "render_ahead": 0}
    _delivered(o, d)
    assert deliveries_sweep(tenant_id=o.tenant.pk) == 0


def test_a_rolled_back_signing_queues_nothing(
    o: SimpleNamespace, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    user, d = signer_ready(o), approved(o)
    DBTaskResult.objects.all().delete()
    settings.WARKAT_TSA_URL = "http://127.0.0.1:9/tsa"
    settings.WARKAT_TSA_TIMEOUT = 1
    with pytest.raises(DomainError) as exc:
        sending.letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert exc.value.status_code == 503
    assert not DBTaskResult.objects.exists()
    assert not Delivery.objects.exists()


# --- numbering under kill -9 -----------------------------------------------------------


def _die_in_step_3(tenant_id: int, draft_id: int, user_id: int, code: str) -> None:
    """Child: die after the signed PDF is written and its row inserted, before the
    last transaction commits."""
    real = sending.document_store

    def store_then_die(**kw: Any) -> Any:
        real(**kw)
        die()

    sending.document_store = store_then_die  # type: ignore[assignment]
    _sign_in_child(tenant_id, draft_id, user_id, code)


def _die_after_step_1(tenant_id: int, draft_id: int, user_id: int, code: str) -> None:
    """Child: die while signing, after the number was taken and committed."""
    sending.signature_make = lambda **kw: die()  # type: ignore[assignment]
    _sign_in_child(tenant_id, draft_id, user_id, code)


def _register() -> list[tuple[int, str, bool, int | None]]:
    rows = NumberEntry.objects.order_by("sequence")
    return [(e.sequence, e.kind, e.voided_at is None, e.letter_id) for e in rows]


def test_killed_before_the_signed_pdf_commits(
    o: SimpleNamespace, frozen: Any, tmp_path: Path, media: Path
) -> None:
    user, d = signer_ready(o), approved(o)
    exit_code = run_killed(tmp_path, _die_in_step_3, o.tenant.pk, d.pk, user.pk, otp())
    assert exit_code == -signal.SIGKILL
    d.refresh_from_db()
    letter = Letter.objects.get(pk=d.letter_id)
    # Not half-signed: still approved, no number on the letter, no signed document.
    assert d.state == "approved" and d.signed_document_id is None
    assert letter.number == "" and letter.status == "approved"
    assert not SignedDocument.objects.exists()
    # The number is recorded as being signed for this letter: no gap.
    assert _register() == [(1, "pending", True, letter.pk)]
    assert len(list((media / "signed").rglob("*.pdf"))) == 1  # an orphan file
    # Signing again the same day takes up the same number.
    sending.letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp(frozen))
    assert _register() == [(1, "signed", True, letter.pk)]
    assert Letter.objects.get(pk=d.letter_id).number.startswith("000.1.1/1/")
    assert NumberCounter.objects.get().last_number == 1


def test_killed_after_taking_the_number_the_sweep_voids_it(
    o: SimpleNamespace, frozen: Any, tmp_path: Path
) -> None:
    user, d = signer_ready(o), approved(o)
    exit_code = run_killed(
        tmp_path, _die_after_step_1, o.tenant.pk, d.pk, user.pk, otp()
    )
    assert exit_code == -signal.SIGKILL
    letter_id = d.letter_id
    assert _register() == [(1, "pending", True, letter_id)]
    assert numbers_pending_sweep() == 0  # a signing may still be under way
    frozen.shift(31 * 60)
    assert numbers_pending_sweep() == 1
    voided = NumberEntry.objects.get()
    assert voided.void_reason and voided.letter_id is None
    sending.letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp(frozen))
    # 1 stays in the register, voided with its reason; the letter took 2: no gap.
    assert _register() == [(1, "pending", False, None), (2, "signed", True, letter_id)]
    d.refresh_from_db()
    assert d.state in {"signed", "sent"}
