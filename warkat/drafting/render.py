"""Letter layout: the tenant's type templates rendered in a sandboxed template engine
to HTML, then to PDF (attachments appended).

Type templates are written by tenant admins and stored in the database, so they run
in an engine of their own: no template tags libraries, no loaders (no include or
extends), and a context of plain strings, lists and dicts only, never model objects.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from warkat.core.memo import per_action
from warkat.drafting.catalogue import LAYOUT_DIR
from warkat.drafting.errors import template_invalid
from warkat.drafting.models import Draft, Kop, NaskahType, Recipient
from warkat.drafting.signature import (
    Authority,
    SignatureBlock,
    position_title,
    signature_block,
)
from warkat.letters.files import file_open
from warkat.letters.models import Letter, LetterFile
from warkat.org.models import Assignment, Position, Unit
from warkat.org.selectors import position_holders

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
SECURITY_ID = {
    "biasa": "Biasa",
    "terbatas": "Terbatas",
    "rahasia": "Rahasia",
    "sangat_rahasia": "Sangat Rahasia",
}
URGENCY_ID = {"biasa": "", "segera": "Segera", "amat_segera": "Amat Segera"}
NUMBERS_ID = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh")  # fmt: skip

TEMPLATE_MAX_CHARS = 50_000


def date_id(day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


@cache
def sandbox() -> Engine:
    return Engine(
        dirs=[],
        app_dirs=False,
        loaders=[("django.template.loaders.locmem.Loader", {})],
        libraries={},
        autoescape=True,
        debug=False,
        string_if_invalid="",
    )


@lru_cache(maxsize=64)
def _compiled(source: str) -> Any:
    """A type template compiled once per process and source text (a batch of
    letters of one type renders it 50 times)."""
    return sandbox().from_string(source)


def template_check(source: str) -> None:
    """Compile ``source`` and render it with sample data; raise if it cannot be used."""
    if len(source) > TEMPLATE_MAX_CHARS:
        raise template_invalid(f"longer than {TEMPLATE_MAX_CHARS} characters")
    try:
        template = sandbox().from_string(source)
        template.render(Context(asdict(sample_context())))
    except TemplateSyntaxError as exc:
        raise template_invalid(str(exc)) from exc
    except Exception as exc:
        # Anything else a template can raise while rendering sample data.
        raise template_invalid(type(exc).__name__) from exc


@dataclass
class LayoutContext:
    """Everything a type template may use (all plain values)."""

    kop: str = ""
    letter: dict[str, str] = field(default_factory=dict)
    to: list[dict[str, str]] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    place_to: str = ""
    sender: str = ""
    body: str = ""
    event: dict[str, str] = field(default_factory=dict)
    signature: str = ""


def sample_context() -> LayoutContext:
    return LayoutContext(
        kop=mark_safe("<div class='kop'></div>"),
        letter={"number": "000.1.1/1/UJI/I/2026", "date": "2 Januari 2026", "place": "Arso",
                "subject": "Uji", "about": "", "security": "Biasa", "urgency": "",
                "attachments": "-", "title": "SURAT", "classification": "000.1.1"},
        to=[{"label": "Kepala Dinas", "address": ""}],
        copies=["Sekretaris Daerah"],
        sender="Kepala Bidang",
        body=mark_safe("<p>Isi</p>"),
        event={"day": "", "time": "", "place": "", "agenda": ""},
        signature=mark_safe("<div class='signature'></div>"),
    )  # fmt: skip


# --- context from a draft -------------------------------------------------------------


def unit_chain(unit: Unit) -> list[Unit]:
    """``unit`` and its ancestors, nearest first (one query)."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [found[i] for i in reversed(ids) if i in found]


def kop_for(*, position: Position, authority: Authority) -> dict[str, str]:
    """The letterhead for a letter signed from ``position``: the Kepala Daerah in
    their own right uses the jabatan kop; others the nearest unit's kop (the OPD's,
    or the Pemda's), built from the unit's data when the admin has not set one."""
    tenant = position.tenant
    if authority.capacity == "" and position.category == "kepala_daerah":
        return {"government_line": position.name.upper(), "name": "", "address": "",
                "contact": "", "logo": ""}  # fmt: skip
    chain = unit_chain(position.unit)
    kops = {k.unit_id: k for k in Kop.objects.filter(unit__in=[u.pk for u in chain])}
    for unit in chain:
        kop = kops.get(unit.pk)
        if kop is not None:
            return _kop_dict(kop)
    for unit in chain:
        if unit.is_opd or unit.parent_id is None:
            return {
                "government_line": f"PEMERINTAH {tenant.name.upper()}",
                "name": unit.name.upper() if unit.parent_id else "",
                "address": unit.address,
                "contact": _contact(unit.phone, unit.email, unit.website),
                "logo": "",
            }
    return {"government_line": f"PEMERINTAH {tenant.name.upper()}", "name": "",
            "address": "", "contact": "", "logo": ""}  # fmt: skip


def _contact(phone: str, email: str, website: str) -> str:
    bits = []
    if phone:
        bits.append(f"Telepon {phone}")
    if email:
        bits.append(f"Pos-el {email}")
    if website:
        bits.append(f"Laman {website}")
    return " · ".join(bits)


def _kop_dict(kop: Kop) -> dict[str, str]:
    logo = ""
    if kop.logo_storage_name:
        try:
            with file_open(kop.logo_storage_name) as fh:
                data = fh.read()
            logo = (
                f"data:{kop.logo_content_type};base64,{base64.b64encode(data).decode()}"
            )
        except OSError:
            logo = ""
    return {
        "government_line": kop.government_line.upper(),
        "name": kop.name.upper(),
        "address": kop.address,
        "contact": _contact(kop.phone, kop.email, kop.website),
        "logo": logo,
    }


def kop_html(kop: dict[str, str]) -> SafeString:
    return mark_safe(render_to_string("drafting/pdf/kop.html", {"kop": kop}))


@per_action  # once per batch of letters (``core.memo``)
def letterhead_html(position: Position, authority: Authority) -> SafeString:
    """The letterhead's markup for a letter signed from ``position``."""
    return kop_html(kop_for(position=position, authority=authority))


def signature_html(block: SignatureBlock) -> SafeString:
    return mark_safe(render_to_string("drafting/pdf/signature.html", {"s": block}))


def attachments_label(count: int) -> str:
    if count == 0:
        return "-"
    word = NUMBERS_ID[count] if count < len(NUMBERS_ID) else str(count)
    return f"{count} ({word}) berkas"


def signer_for_preview(
    position: Position, on: dt.date | None = None
) -> Assignment | None:
    return position_holders(position=position, on=on).first()


def draft_context(
    *,
    draft: Draft,
    letter: Letter,
    recipients: list[Recipient],
    attachments: list[LetterFile],
    signer: Assignment | None,
    authority: Authority,
) -> LayoutContext:
    naskah_type: NaskahType = draft.naskah_type
    signer_kind = signer.kind if signer is not None else ""
    block = signature_block(
        authority=authority,
        signer_position=draft.signer_position,
        signer_kind=draft.signer_kind or signer_kind,
        person=signer.person if signer is not None else None,
        naskah_type=naskah_type,
    )
    block.electronic = True
    to = [
        {"label": r.label, "address": r.address}
        for r in recipients
        if r.role == Recipient.Role.TO
    ]
    copies = [r.label for r in recipients if r.role == Recipient.Role.COPY]
    return LayoutContext(
        kop=letterhead_html(draft.signer_position, authority),
        letter={
            "number": letter.number,
            "date": date_id(letter.letter_date),
            "place": draft.place,
            "subject": letter.subject,
            "about": draft.about,
            "security": SECURITY_ID.get(letter.security, ""),
            "urgency": URGENCY_ID.get(letter.urgency, ""),
            "attachments": attachments_label(len(attachments)),
            "title": naskah_type.name.upper(),
            "classification": letter.classification.code
            if letter.classification
            else "",
        },
        to=to,
        copies=copies,
        sender=position_title(draft.signer_position, draft.signer_kind or signer_kind),
        body=mark_safe(draft.body),
        event={
            "day": draft.event_day,
            "time": draft.event_time,
            "place": draft.event_place,
            "agenda": draft.event_agenda,
        },
        signature=signature_html(block),
    )


@cache
def page_css() -> str:
    return (LAYOUT_DIR / "page.css").read_text(encoding="utf-8")


def letter_html(
    *,
    naskah_type: NaskahType,
    ctx: LayoutContext,
    security: str,
    footer: str,
    watermark: str = "",
) -> str:
    """The whole HTML document of a letter."""
    try:
        inner = _compiled(naskah_type.template_html).render(Context(asdict(ctx)))
    except TemplateSyntaxError as exc:
        raise template_invalid(str(exc)) from exc
    return render_to_string(
        "drafting/pdf/document.html",
        {
            "page_css": mark_safe(page_css()),
            # Raw text inside <style>: only a closing tag could break out of it.
            "type_css": mark_safe(naskah_type.template_css.replace("</", "<\\/")),
            "inner": mark_safe(inner),
            "security": SECURITY_ID.get(security, "") if security != "biasa" else "",
            "secret": security in {"rahasia", "sangat_rahasia"},
            "footer": footer,
            "watermark": watermark,
        },
    )


def draft_html(
    *,
    draft: Draft,
    signer: Assignment | None,
    footer: str,
    watermark: str = "",
    after_number: str = "",
) -> tuple[str, list[LetterFile]]:
    """The letter's HTML document and its attachments (appended after its pages);
    ``after_number`` is markup put right after the number (``drafting.ahead``)."""
    letter = draft.letter
    recipients = list(
        Recipient.objects.filter(draft=draft).order_by("-role", "order", "pk")
    )
    attachments = list(
        LetterFile.objects.filter(
            letter=letter, kind=LetterFile.Kind.ATTACHMENT
        ).order_by("pk")
    )
    authority = Authority(
        capacity=draft.capacity,
        on_behalf=draft.on_behalf_position,
        ub=draft.ub_position,
    )
    ctx = draft_context(
        draft=draft,
        letter=letter,
        recipients=recipients,
        attachments=attachments,
        signer=signer,
        authority=authority,
    )
    if after_number:
        ctx.letter["number"] = conditional_escape(letter.number) + mark_safe(
            after_number
        )
    html = letter_html(
        naskah_type=draft.naskah_type,
        ctx=ctx,
        security=letter.security,
        footer=footer,
        watermark=watermark,
    )
    return html, attachments


def draft_render(
    *,
    draft: Draft,
    signer: Assignment | None,
    footer: str,
    watermark: str = "",
    pdf_variant: str | None = "pdf/a-3b",
) -> Any:
    """The letter as PDF (``signing.render.RenderedPdf``: bytes, pages, the ``#ttd``
    box), attachments appended after the letter's pages."""
    html, attachments = draft_html(
        draft=draft, signer=signer, footer=footer, watermark=watermark
    )
    return html_render(html=html, attachments=attachments, pdf_variant=pdf_variant)


def html_render(
    *, html: str, attachments: list[LetterFile], pdf_variant: str | None = "pdf/a-3b"
) -> Any:
    """``html`` rendered (``signing.render.render_for_signing``), ``attachments``
    appended."""
    from warkat.signing.render import render_for_signing

    data = []
    for f in attachments:
        with file_open(f.storage_name) as fh:
            data.append(fh.read())
    return render_for_signing(html=html, attachments=data, pdf_variant=pdf_variant)


def draft_pdf(draft: Draft) -> bytes:
    """The letter as a reader gets it: the signed PDF once signed, otherwise a
    preview marked KONSEP with today's holder of the signing position."""
    if draft.signed_document_id is not None:
        from warkat.signing.documents import signed_open
        from warkat.signing.models import SignedDocument

        return signed_open(SignedDocument.objects.get(pk=draft.signed_document_id))
    rendered = draft_render(
        draft=draft,
        signer=signer_for_preview(draft.signer_position),
        footer="",
        watermark="KONSEP",
        pdf_variant=None,
    )
    return bytes(rendered.pdf)
