"""Rendering an approved letter ahead of its signing, so that signing (above all
many letters in one action, ``drafting.batches``) does not wait for WeasyPrint.

When a letter is approved, and by the periodic sweep (``tasks.render_ahead_sweep``
in ``recovery_run``) for approved letters with none for today, the task
``render_ahead_task`` renders its final PDF as the signing would, for today in the
Pemda's time zone, with the signer holding the position that day, a verification
code chosen now and a *placeholder* number: the number the letter would get with
the counter's next sequence. ``signing.glyphs.prepare`` makes the placeholder's
digits replaceable; the row (``RenderAhead``) keeps the PDF, the day, the code,
the placeholder and ``key``, the hash of the HTML document and attachments.

At signing (``ahead_take``, step 2 of ``drafting.sending``, no lock held), the
letter's HTML is built again exactly as for a full render with the placeholder,
the row's code, the real signer and the signing day; only when it hashes to the
row's ``key`` (so nothing of the letter, its recipients, attachments, kop,
signer, date, footer or template changed) and the real number differs from the
placeholder in digits only (the same number of digits) is the real number drawn
in (``signing.glyphs.stamp``). Otherwise (no row, another day, any change, a
sequence with one more digit) the letter is rendered in full as before. Numbers,
register entries and the record step are those of a full render: the row changes
nothing but where the PDF bytes come from, and the signing deletes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.utils import timezone

from warkat.drafting.batch_models import RenderAhead
from warkat.drafting.models import Draft, NumberCounter
from warkat.drafting.numbering import (
    NumberContext,
    number_render,
    pattern_for,
    pattern_parse,
)
from warkat.drafting.register import tenant_today
from warkat.drafting.render import draft_html, html_render, signer_for_preview
from warkat.drafting.workflow import State
from warkat.letters.services.delivery import receiving_unit
from warkat.signing.documents import (
    footer_text,
    verification_code_new,
    verification_url,
)
from warkat.signing.glyphs import HELPER_HTML, Prepared, prepare, stamp
from warkat.signing.render import RenderedPdf, SignatureBox

log = logging.getLogger(__name__)


def work_copy(draft: Draft) -> Draft:
    """A fresh copy of the draft to render (its number and date set on it)."""
    return Draft.objects.select_related(
        "tenant", "letter__classification", "naskah_type", "signer_position"
    ).get(pk=draft.pk)


def _document(
    *, work: Draft, assignment: Any, person: Any, day: dt.date, number: str, code: str
) -> tuple[str, list[Any], str]:
    """The HTML a render ahead is made of, its attachments and its key."""
    work.letter.number = number
    work.letter.letter_date = day
    work.signer_kind = assignment.kind
    work.signed_by = person
    footer = footer_text(tenant=work.tenant, verification_url=verification_url(code))
    html, attachments = draft_html(
        draft=work, signer=assignment, footer=footer, after_number=HELPER_HTML
    )
    digest = hashlib.sha256(html.encode())
    for f in attachments:
        digest.update(b"\0" + f.storage_name.encode())
    return html, attachments, digest.hexdigest()


def _placeholder(work: Draft, day: dt.date) -> str:
    """The number the letter would get now: the counter's next sequence."""
    unit = receiving_unit(work.signer_position)
    last = (
        NumberCounter.objects.filter(
            unit=unit, naskah_type=work.naskah_type, year=day.year
        )
        .values_list("last_number", flat=True)
        .first()
    )
    letter = work.letter
    return number_render(
        pattern_parse(pattern_for(work.naskah_type)),
        NumberContext(
            sequence=(last or 0) + 1,
            classification=letter.classification.code if letter.classification else "",
            unit_code=unit.code,
            date=day,
            security=letter.security,
        ),
    )


def render_ahead(*, draft: Draft) -> RenderAhead | None:
    """Render ``draft`` ahead for today (see the module docstring); ``None`` (and
    no row) when it is not approved, nobody holds the signing position today, or
    its number cannot be drawn exactly into the rendered PDF."""
    work = work_copy(draft)
    day = tenant_today(work.tenant)
    assignment = signer_for_preview(work.signer_position, on=day)
    if work.state != State.APPROVED or assignment is None:
        RenderAhead.objects.filter(draft_id=draft.pk).delete()
        return None
    placeholder = _placeholder(work, day)
    code = verification_code_new()
    html, attachments, key = _document(
        work=work, assignment=assignment, person=assignment.person, day=day,
        number=placeholder, code=code,
    )  # fmt: skip
    rendered = html_render(html=html, attachments=attachments)
    prepared = prepare(rendered.pdf, placeholder)
    box = rendered.signature_box
    if prepared is None:
        # Kept as "not drawable today" (no PDF), so the sweep does not render
        # it again and again; signing renders it in full.
        log.info("render ahead of draft %s: number not drawable", draft.pk)
        prepared = Prepared(pdf=b"", run=b"", count=0, digits={})
    row, _created = RenderAhead.objects.update_or_create(
        draft_id=draft.pk,
        defaults={
            "tenant": work.tenant, "key": key, "day": day,
            "verification_code": code, "placeholder": placeholder,
            "pdf": prepared.pdf, "run": prepared.run, "run_count": prepared.count,
            "digits": prepared.digits, "pages": rendered.pages,
            "signature_box": [box.page, *box.box] if box else [],
            "rendered_at": timezone.now(),
        },
    )  # fmt: skip
    return row if prepared.count else None


def render_ahead_stale(tenant: Any) -> list[int]:
    """Approved letters of ``tenant`` (the current scope) with no render ahead
    for today (approved before a deployment rendered ahead, or rendered on an
    earlier day: the letter date is the signing day)."""
    today = tenant_today(tenant)
    return list(
        Draft.objects.filter(state=State.APPROVED)
        .exclude(render_ahead__day=today)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


def ahead_take(
    *, work: Draft, assignment: Any, person: Any, day: dt.date, number: str
) -> tuple[RenderedPdf, str] | None:
    """The letter's PDF with ``number`` drawn in and its verification code, from
    its render ahead; ``None`` when there is none or it is stale (render in full)."""
    row = RenderAhead.objects.filter(draft_id=work.pk).first()
    if row is None or row.day != day or not row.run_count:
        return None
    _html, _attachments, key = _document(
        work=work, assignment=assignment, person=person, day=day,
        number=row.placeholder, code=row.verification_code,
    )  # fmt: skip
    if key != row.key:
        return None
    prepared = Prepared(
        pdf=bytes(row.pdf), run=bytes(row.run), count=row.run_count, digits=row.digits
    )
    pdf = stamp(prepared, row.placeholder, number)
    if pdf is None:
        return None
    box = row.signature_box
    signature_box = (
        SignatureBox(page=box[0], box=(box[1], box[2], box[3], box[4])) if box else None
    )
    return RenderedPdf(pdf=pdf, pages=row.pages, signature_box=signature_box), (
        row.verification_code
    )
