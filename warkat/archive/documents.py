"""The berita acara (pemindahan, pemusnahan, penyerahan) with its daftar arsip as
an appendix, rendered like every other signed document (``signing.render``).

The list lines are the ones stored on the batch's items when it was proposed: a
secret letter appears by level and agenda line only (``selectors.disposal``), so
the berita acara, which is kept permanently and read by the archive staff and the
signers, never carries a secret subject.
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from warkat.archive.models import Appraisal, BatchSignature, DisposalBatch
from warkat.archive.workflow import SIGNER_LABELS, K, archive_settings
from warkat.drafting.render import date_id
from warkat.signing.render import RenderedPdf, SignatureBox, render_for_signing

DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

TITLES: dict[str, tuple[str, str]] = {
    K.TRANSFER: ("Pemindahan Arsip Inaktif", "Daftar Arsip yang Dipindahkan"),
    K.DESTRUCTION: ("Pemusnahan Arsip", "Daftar Arsip yang Dimusnahkan"),
    K.HANDOVER: ("Penyerahan Arsip Statis", "Daftar Arsip Statis yang Diserahkan"),
}


def _body(batch: DisposalBatch, regional_archive: str) -> tuple[str, str, str]:
    unit = batch.unit.name
    if batch.kind == K.TRANSFER:
        return (
            f"telah dilaksanakan pemindahan arsip inaktif dari {unit} kepada unit "
            "kearsipan.",
            "Arsip yang dipindahkan telah melewati masa retensi aktif menurut Jadwal "
            "Retensi Arsip dan tercantum dalam daftar arsip yang dipindahkan.",
            "Dipindahkan",
        )
    if batch.kind == K.DESTRUCTION:
        return (
            "telah dilaksanakan pemusnahan arsip yang telah habis masa retensinya "
            "dengan keterangan musnah menurut Jadwal Retensi Arsip.",
            "Pemusnahan dilakukan secara total sehingga fisik maupun informasinya "
            "tidak dapat dikenali lagi; metadata arsip, daftar arsip yang dimusnahkan "
            "dan berita acara ini disimpan secara permanen.",
            "Musnah",
        )
    return (
        f"telah dilaksanakan penyerahan arsip statis kepada "
        f"{regional_archive or 'lembaga kearsipan daerah'}.",
        "Arsip diserahkan dalam bentuk paket BagIt yang memuat metadata, berkas, "
        "tanda tangan elektronik dan nilai checksum setiap berkas.",
        "Permanen",
    )


def signers_for(batch: DisposalBatch) -> list[BatchSignature]:
    return list(batch.signatures.select_related("position").order_by("order"))


def berita_acara_render(
    *, batch: DisposalBatch, day: dt.date, footer: str
) -> RenderedPdf:
    conf = archive_settings()
    opening, body, note = _body(batch, conf.regional_archive)
    title, list_title = TITLES[batch.kind]
    appraisals = [
        f"{a.position.name} ({'setuju' if a.approve else 'tidak setuju'})"
        for a in Appraisal.objects.filter(batch=batch).select_related("position")
    ]
    signers = [
        {
            "order": s.order,
            "label": SIGNER_LABELS.get(s.label, s.label),
            "position": s.position.name,
        }
        for s in signers_for(batch)
    ]
    html = render_to_string(
        "archive/pdf/berita_acara.html",
        {
            "batch": batch,
            "tenant": batch.tenant.name,
            "day": day,
            "day_text": f"{DAYS_ID[day.weekday()]} tanggal {date_id(day)}",
            "title": title,
            "list_title": list_title,
            "opening": opening,
            "body": body,
            "note": note,
            "appraisals": appraisals,
            "anri": batch.anri_approval,
            "signers": signers,
            "footer": footer,
            "items": list(batch.items.order_by("record_date", "pk")),
        },
    )
    return render_for_signing(html=html, anchors=[f"ttd-{s['order']}" for s in signers])


def box_of(signature: BatchSignature) -> SignatureBox | None:
    if len(signature.box) != 5:
        return None
    page, *box = signature.box
    return SignatureBox(page=page, box=(box[0], box[1], box[2], box[3]))
