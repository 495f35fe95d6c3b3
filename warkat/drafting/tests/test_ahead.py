"""Letters rendered ahead of their signing: the number drawn in at signing gives
the page a full render gives; anything stale falls back to a full render."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.drafting import ahead, sending
from warkat.drafting.ahead import (
    ahead_take,
    render_ahead,
    render_ahead_stale,
    work_copy,
)
from warkat.drafting.batch_models import RenderAhead, SigningBatchItem
from warkat.drafting.batches import letters_sign_batch
from warkat.drafting.models import Draft, NumberCounter, NumberEntry
from warkat.drafting.register import tenant_today
from warkat.drafting.render import draft_render
from warkat.drafting.tasks import render_ahead_sweep
from warkat.drafting.tests.factories import (
    PASSPHRASE,
    approved,
    otp,
    signer_ready,
    tsa_down_at,
)
from warkat.letters.services.delivery import receiving_unit
from warkat.org.selectors import holds_position
from warkat.signing.documents import footer_text, signed_open, verification_url
from warkat.signing.models import SignedDocument
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return out.stdout.decode()


def _first_page_pixels(pdf: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "letter.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "80", "-gray", "-f", "1", "-l", "1", str(path),
             str(Path(tmp) / "page")],
            check=True,
        )  # fmt: skip
        return next(Path(tmp).glob("page*.pgm")).read_bytes()


def _counter_at(o: SimpleNamespace, draft: Draft, last: int) -> None:
    unit = receiving_unit(draft.signer_position)
    NumberCounter.objects.update_or_create(
        tenant=o.tenant, unit=unit, naskah_type=draft.naskah_type,
        year=tenant_today(o.tenant).year, defaults={"last_number": last},
    )  # fmt: skip


def _take(draft: Draft, user: Any, number: str) -> Any:
    """What signing gets from the render ahead for ``number`` (or ``None``)."""
    day = tenant_today(draft.tenant)
    work = work_copy(draft)
    assignment = holds_position(
        person=user.person, position=work.signer_position, on=day
    )
    return ahead_take(
        work=work, assignment=assignment, person=user.person, day=day, number=number
    )


def _number(o: SimpleNamespace, draft: Draft, sequence: int) -> str:
    """The number ``draft`` gets with ``sequence`` (the counter set just before)."""
    _counter_at(o, draft, sequence - 1)
    return ahead._placeholder(work_copy(draft), tenant_today(o.tenant))


def test_the_number_drawn_in_gives_the_page_of_a_full_render(
    o: SimpleNamespace,
) -> None:
    user = signer_ready(o)
    draft = approved(o, subject="Undangan rapat koordinasi")
    _counter_at(o, draft, 3)
    row = render_ahead(draft=draft)
    assert row is not None and "/4/" in row.placeholder
    real = _number(o, draft, 7)
    assert real != row.placeholder and len(real) == len(row.placeholder)
    taken = _take(draft, user, real)
    assert taken is not None
    rendered, code = taken
    assert code == row.verification_code
    # A full render of the same letter with that number, date, signer and code.
    day = tenant_today(o.tenant)
    work = work_copy(draft)
    work.letter.number, work.letter.letter_date = real, day
    assignment = holds_position(
        person=user.person, position=work.signer_position, on=day
    )
    assert assignment is not None
    work.signer_kind, work.signed_by = assignment.kind, user.person
    full = draft_render(
        draft=work, signer=assignment,
        footer=footer_text(tenant=o.tenant, verification_url=verification_url(code)),
    )  # fmt: skip
    text = _text(rendered.pdf)
    assert real in text and row.placeholder not in text
    assert text == _text(full.pdf)
    assert "0123456789" not in text  # the helper run is gone from the page
    assert _first_page_pixels(rendered.pdf) == _first_page_pixels(full.pdf)
    assert rendered.signature_box == full.signature_box
    assert rendered.pages == full.pages


def test_signing_uses_the_render_ahead_and_consumes_it(
    o: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = signer_ready(o)
    draft = approved(o)
    row = render_ahead(draft=draft)
    assert row is not None

    def no_full_render(**kw: Any) -> Any:
        raise AssertionError("rendered in full")

    monkeypatch.setattr(sending, "draft_render", no_full_render)
    signed = sending.letter_sign(
        actor=user, draft=draft, passphrase=PASSPHRASE, otp=otp()
    )
    document = SignedDocument.objects.get(pk=signed.signed_document_id)
    assert document.verification_code == row.verification_code
    assert signed.letter.number in _text(signed_open(document))
    assert not RenderAhead.objects.filter(draft=draft).exists()


def test_a_stale_render_ahead_falls_back_to_a_full_render(
    o: SimpleNamespace, frozen: Any
) -> None:
    user = signer_ready(o)
    draft = approved(o)
    row = render_ahead(draft=draft)
    assert row is not None
    number = _number(o, draft, 2)
    assert _take(draft, user, number) is not None
    # One more digit: the line would move.
    assert _take(draft, user, _number(o, draft, 10)) is None
    # The letter changed after it was rendered.
    Draft.objects.filter(pk=draft.pk).update(body="<p>Isi yang diubah.</p>")
    assert _take(draft, user, number) is None
    signed = sending.letter_sign(
        actor=user, draft=draft, passphrase=PASSPHRASE, otp=otp()
    )
    document = SignedDocument.objects.get(pk=signed.signed_document_id)
    assert document.verification_code != row.verification_code
    assert "Isi yang diubah." in _text(signed_open(document))
    # Rendered for another day: stale on the next one.
    other = approved(o)
    assert render_ahead(draft=other) is not None
    frozen.shift(dt.timedelta(days=1))
    assert _take(other, user, _number(o, other, 1)) is None


def test_a_batch_of_letters_rendered_ahead_with_one_failing(
    o: SimpleNamespace,
) -> None:
    user = signer_ready(o)
    drafts = [approved(o, subject=f"Surat {n}") for n in range(3)]
    for d in drafts:
        assert render_ahead(draft=d) is not None
    with tsa_down_at(2):
        batch = letters_sign_batch(
            actor=user, draft_ids=[d.pk for d in drafts], passphrase=PASSPHRASE,
            otp=otp(),
        )  # fmt: skip
    items = {i.draft_id: i for i in SigningBatchItem.objects.filter(batch=batch)}
    assert [items[d.pk].outcome for d in drafts] == ["signed", "failed", "signed"]
    entries = NumberEntry.objects.order_by("sequence")
    assert [(e.sequence, e.kind) for e in entries] == [(1, "signed"), (2, "signed")]
    for d in (drafts[0], drafts[2]):
        fresh = Draft.objects.select_related("letter").get(pk=d.pk)
        pdf = signed_open(SignedDocument.objects.get(pk=fresh.signed_document_id))
        assert fresh.letter.number in _text(pdf)
    # The failed letter keeps its render ahead for the next try.
    assert list(RenderAhead.objects.values_list("draft_id", flat=True)) == [
        drafts[1].pk
    ]


def test_approval_queues_the_render_ahead(
    o: SimpleNamespace, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WARKAT_RENDER_AHEAD = True
    with django_capture_on_commit_callbacks(execute=True):
        draft = approved(o)
    assert RenderAhead.objects.filter(draft=draft).count() == 1


def test_a_render_ahead_is_its_tenants_only(
    o: SimpleNamespace, other_tenant: Any
) -> None:
    draft = approved(o)
    assert render_ahead(draft=draft) is not None
    with tenant_scope(other_tenant):
        assert not RenderAhead.objects.filter(draft_id=draft.pk).exists()
        assert not RenderAhead.objects.exists()


def test_the_periodic_sweep_renders_ahead_for_the_signing_day(
    o: SimpleNamespace, settings: Any, frozen: Any
) -> None:
    settings.WARKAT_RENDER_AHEAD = True
    draft = approved(o)  # its queued render has not run (no commit in the test)
    assert render_ahead_sweep(tenant=o.tenant) == 1
    day = RenderAhead.objects.get(draft=draft).day
    assert render_ahead_sweep(tenant=o.tenant) == 0  # today's is there
    frozen.shift(dt.timedelta(days=1))
    assert render_ahead_sweep(tenant=o.tenant) == 1
    assert RenderAhead.objects.get(draft=draft).day == day + dt.timedelta(days=1)


def test_a_number_that_cannot_be_drawn_in_is_rendered_in_full(
    o: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = signer_ready(o)
    draft = approved(o)
    monkeypatch.setattr(ahead, "prepare", lambda pdf, placeholder: None)
    assert render_ahead(draft=draft) is None
    # Remembered for the day, so the sweep does not render it again.
    assert RenderAhead.objects.filter(draft=draft, run_count=0).exists()
    assert render_ahead_stale(o.tenant) == []
    assert _take(draft, user, _number(o, draft, 1)) is None
