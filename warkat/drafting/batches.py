"""Signing several approved letters in one action with one authenticator code.

The signer is proven once (TOTP code and passphrase, ``signing.documents.
signer_unlock``, before any transaction: an authenticator code is accepted once,
so the same proof serves every letter of the batch). Then each letter is signed
on its own through the steps of ``drafting.sending`` — its own number (the
counter locked only to take it), its own PDF and signature made with no lock
held, its own short last transaction that stores the signed PDF once, marks the
letter signed, writes the letter's line of the batch and queues its delivery,
and then takes the next letter's number (``sending.number_take_next``: one
commit and one lock of the audit chain head per letter instead of two; the
counter is locked from there to that commit). What every letter reads alike
(signer's assignment, number format, letterhead, signing settings, certificate
and CA material) is read once per batch (``core.memo``).

A letter that cannot be signed (changed meanwhile, no longer the signer's, the
TSA down) gives its number back and gets a line "not signed" with the reason;
the others go on. A process killed mid-batch leaves every letter either signed
with its line or untouched (or with its number *being signed*, which
``drafting.recovery`` voids or a new signing takes up): no duplicate, no gap, no
half-signed letter.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import DomainError
from warkat.core.memo import memo_scope
from warkat.drafting import errors
from warkat.drafting.batch_models import BATCH_MAX, SigningBatch, SigningBatchItem
from warkat.drafting.models import Draft
from warkat.drafting.register import number_give_back
from warkat.drafting.sending import Taken, number_take, render_sign_record
from warkat.drafting.workflow import State, holder_kind, person_of
from warkat.signing.documents import signer_unlock

log = logging.getLogger(__name__)


def letters_sign_batch(
    *, actor: Any, draft_ids: list[int], passphrase: str, otp: str
) -> SigningBatch:
    """Sign the approved letters ``draft_ids`` (in that order) with one proof of
    the signer; returns the batch, whose lines say what happened to each."""
    ids = list(dict.fromkeys(draft_ids))
    if not ids:
        raise errors.invalid(
            "batch_empty", _("Choose at least one letter to sign."), "letters"
        )
    if len(ids) > BATCH_MAX:
        raise errors.invalid(
            "batch_too_big",
            _("At most %(max)s letters can be signed at once."),
            "letters",
            max=BATCH_MAX,
        )
    person = person_of(actor)
    drafts = {
        d.pk: d
        for d in Draft.objects.filter(pk__in=ids).select_related(
            "tenant", "letter", "signer_position"
        )
    }
    if len(drafts) != len(ids):  # another tenant's, or none at all
        raise errors.draft_not_found()
    # Outside any transaction on purpose (see ``drafting.sending``).
    credential = signer_unlock(
        tenant=actor.tenant, signer_person=person, signer_user=actor,
        passphrase=passphrase, otp=otp,
    )  # fmt: skip
    batch = _batch_start(actor=actor, draft_ids=ids)
    # What every letter reads alike (the signer's assignment, the number format,
    # the letterhead, the signing settings, the certificate and CA material) is
    # read once for the batch (``core.memo``); each letter's own rows are read
    # (and locked) for it.
    with memo_scope():
        taken: Taken | None = None
        for n, draft_id in enumerate(ids):
            following = drafts[ids[n + 1]] if n + 1 < len(ids) else None
            taken = _sign_one(
                actor=actor, batch=batch, draft=drafts[draft_id], credential=credential,
                taken=taken, next_draft=following,
            )  # fmt: skip
    return batch


@transaction.atomic
def _batch_start(*, actor: Any, draft_ids: list[int]) -> SigningBatch:
    batch = SigningBatch.objects.create(
        tenant=actor.tenant, signer=actor, signer_person_id=actor.person_id,
        started_at=timezone.now(), draft_ids=draft_ids,
    )  # fmt: skip
    audit_record(
        tenant=actor.tenant, actor=actor, action="drafting.sign_batch", obj=batch,
        data={"letters": len(draft_ids)},
    )  # fmt: skip
    return batch


def _sign_one(
    *, actor: Any, batch: SigningBatch, draft: Draft, credential: Any,
    taken: Taken | None, next_draft: Draft | None,
) -> Taken | None:  # fmt: skip
    """Sign one letter of the batch; a failure is its line, never the batch's end.
    ``taken``: its number, when the previous letter's last transaction took it
    (checked there under the locks); returns the number taken for ``next_draft``
    in this letter's last transaction, if it committed."""
    try:
        if taken is None:
            if draft.state != State.APPROVED:
                raise errors.wrong_state(State(draft.state).label, _("signed"))
            if holder_kind(actor=actor, position=draft.signer_position) is None:
                raise errors.not_signer()
            taken = number_take(actor=actor, draft=draft)
        try:
            _signed, following = render_sign_record(
                actor=actor, draft=draft, taken=taken, credential=credential,
                batch=batch, next_draft=next_draft,
            )  # fmt: skip
        except BaseException:
            number_give_back(draft=draft, entry_id=taken.entry.pk)
            raise
        return following
    except DomainError as exc:
        _failed(batch=batch, draft=draft, code=exc.code, message=exc.text("id"))
    except Exception:
        log.exception("batch %s: signing letter %s failed", batch.pk, draft.letter_id)
        error = errors.batch_letter_failed()
        _failed(batch=batch, draft=draft, code=error.code, message=error.text("id"))
    return None


@transaction.atomic
def _failed(*, batch: SigningBatch, draft: Draft, code: str, message: str) -> None:
    SigningBatchItem.objects.create(
        tenant_id=batch.tenant_id, batch=batch, draft=draft,
        outcome=SigningBatchItem.Outcome.FAILED, error_code=code[:80],
        error_message=message[:500], at=timezone.now(),
    )  # fmt: skip
