"""Demo outgoing letters in every state, made through the real services.

``demo_drafting_load(tenant=…, people=…)`` takes the demo organisation's people
(``demo_org_load()["people"]``) and, run inside the tenant's scope, leaves:
a draft, a letter in review, one returned with notes, one approved and waiting for
the signature, and — when the tenant can sign (a CA is created if missing, and the
signing position's holder gets a certificate protected by ``DEMO_PASSPHRASE``) — one
signed by the Plh. Kepala Dinas and delivered to the Sekretaris Daerah's inbox.
Idempotent: nothing is added when the tenant already has outgoing letters.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from allauth.mfa.models import Authenticator
from django.utils import timezone

from warkat.accounts.models import User
from warkat.archive.models import ClassificationCode
from warkat.demo.accounts import demo_totp_code
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.fields import DraftFields, RecipientInput
from warkat.drafting.models import Draft, NaskahType
from warkat.drafting.services.drafts import draft_create
from warkat.drafting.services.review import draft_submit, review_approve, review_return
from warkat.org.models import Person, Position
from warkat.org.selectors import position_holders, positions_held
from warkat.tenancy.models import Tenant

log = logging.getLogger(__name__)

#: Passphrase of the demo signers' keys. Public on purpose: demo data only.
DEMO_PASSPHRASE = "Warkat-TTE-Demo-2026"

BODY = (
    '<p class="indent">Dengan hormat, dalam rangka percepatan penerapan Sistem '
    "Pemerintahan Berbasis Elektronik (SPBE) di lingkungan Pemerintah Kabupaten "
    "Keerom, bersama ini kami sampaikan hal-hal sebagai berikut:</p>"
    "<ol><li>setiap perangkat daerah menunjuk satu pengelola naskah dinas elektronik;</li>"
    "<li>seluruh surat keluar ditandatangani secara elektronik melalui Warkat;</li>"
    "<li>data pengelola disampaikan paling lambat 20 November 2026.</li></ol>"
    '<p class="indent">Demikian disampaikan, atas perhatian dan kerja samanya '
    "diucapkan terima kasih.</p>"
)


def _user(person: Person) -> User:
    return User.objects.get(person=person)


def _position(person: Person) -> Position:
    held = positions_held(person=person).first()
    if held is None:
        raise LookupError(f"{person} holds no position")
    return held.position


def _code(code: str) -> ClassificationCode | None:
    return ClassificationCode.objects.filter(code=code).first()


def _reviewer(draft: Draft) -> User | None:
    """A user holding the position whose paraf the draft is waiting for."""
    from warkat.drafting.workflow import current_step

    step = current_step(draft)
    if step is None:
        return None
    for assignment in position_holders(position=step.position):
        user = User.objects.filter(person=assignment.person).first()
        if user is not None:
            return user
    return None


def _review_all(draft: Draft) -> None:
    while draft.state == Draft.State.IN_REVIEW:
        user = _reviewer(draft)
        if user is None:
            return
        review_approve(actor=user, draft=draft, note="Sudah sesuai.")
        draft.refresh_from_db()


def demo_drafting_load(*, tenant: Tenant, people: dict[str, Person]) -> list[Draft]:
    """Create the demo outgoing letters (see the module docstring)."""
    if Draft.objects.filter(tenant=tenant).exists():
        return list(Draft.objects.filter(tenant=tenant).order_by("pk"))
    catalogue_ensure(tenant=tenant)
    types = {t.code: t for t in NaskahType.objects.filter(tenant=tenant)}
    drafter = _user(people["staf_kominfo"])
    signer_position = _position(people["kadis_kominfo"])
    sekda = _position(people["sekda"])
    sekretaris = _position(people["sekretaris_kominfo"])

    def fields(naskah: str, subject: str, **kw: Any) -> DraftFields:
        data: dict[str, Any] = {
            "subject": subject,
            "body": BODY,
            "naskah_type": types[naskah],
            "signer_position": signer_position,
            "classification": _code("000.1.1"),
            "place": "Arso",
            "recipients": [
                RecipientInput(role="to", kind="position", target_id=sekda.pk)
            ],
        }
        data.update(kw)
        return DraftFields(**data)

    made: list[Draft] = []
    made.append(
        draft_create(
            actor=drafter,
            fields=fields(
                "surat-undangan",
                "Undangan Rapat Koordinasi Penerapan SPBE",
                event_day="Senin, 16 November 2026",
                event_time="09.00 WIT s.d. selesai",
                event_place="Aula Kantor Bupati Keerom, Arso",
                event_agenda="Rapat koordinasi penerapan SPBE dan TTE",
                recipients=[
                    RecipientInput(role="to", kind="position", target_id=sekda.pk),
                    RecipientInput(
                        role="to", kind="external", label="Kepala Kantor Telkom Jayapura",
                        address="Jayapura",
                    ),
                ],
            ),
        )
    )  # fmt: skip
    in_review = draft_create(
        actor=drafter,
        fields=fields(
            "nota-dinas",
            "Laporan Kesiapan Jaringan Intra Pemerintah",
            recipients=[
                RecipientInput(role="to", kind="position", target_id=sekretaris.pk)
            ],
        ),
    )
    draft_submit(actor=drafter, draft=in_review)
    made.append(in_review)
    returned = draft_create(
        actor=drafter, fields=fields("surat-dinas", "Permohonan Data Aset TIK")
    )
    draft_submit(actor=drafter, draft=returned)
    reviewer = _reviewer(returned)
    if reviewer is not None:
        review_return(
            actor=reviewer, draft=returned,
            note="Mohon lengkapi rincian jenis aset TIK yang diminta pada alinea kedua.",
        )  # fmt: skip
    made.append(returned)
    approved = draft_create(
        actor=drafter,
        fields=fields("surat-dinas", "Penyampaian Rencana Induk SPBE 2026-2030"),
    )
    draft_submit(actor=drafter, draft=approved)
    _review_all(approved)
    made.append(approved)
    signed = _signed_letter(
        tenant=tenant,
        drafter=drafter,
        fields=fields,
        signer_position=signer_position,
        sekda=sekda,
    )
    if signed is not None:
        made.append(signed)
    # Three Kominfo staff sent to Distrik Waris: attendance shows them dinas luar.
    today = timezone.localdate()
    duty = [people[k] for k in DUTY_PEOPLE if k in people]
    on_duty = _signed_letter(
        # Signed by the Sekda: a second signature by the same signer would need
        # the next authenticator code (codes are single-use).
        tenant=tenant, drafter=drafter, fields=fields, signer_position=sekda,
        sekda=signer_position, naskah="surat-tugas",
        subject="Surat Tugas Pendataan Aset TIK di Distrik Waris",
        duty_person_ids=[p.pk for p in duty], duty_start=today,
        duty_end=today + dt.timedelta(days=2),
    )  # fmt: skip
    if on_duty is not None:
        made.append(on_duty)
    return made


#: The people the demo surat tugas sends on duty.
DUTY_PEOPLE = ("staf_kominfo_ikp", "staf_kominfo_sandi", "staf_kominfo_aptika")


def _signer_user(position: Position) -> User | None:
    """The holder who signs in the demo: a Plh/Plt if there is one (to show the
    capacity on the letter), with an authenticator."""
    holders = sorted(
        position_holders(position=position), key=lambda a: a.kind == "definitif"
    )
    for assignment in holders:
        user = User.objects.filter(person=assignment.person).first()
        if (
            user
            and Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            return user
    return None


def _signed_letter(
    *,
    tenant: Tenant,
    drafter: User,
    fields: Any,
    signer_position: Position,
    sekda: Position,
    naskah: str = "surat-dinas",
    subject: str = "Penunjukan Pengelola Naskah Dinas Elektronik",
    **extra: Any,
) -> Draft | None:
    from warkat.drafting.delivery import deliveries_run
    from warkat.drafting.sending import letter_sign
    from warkat.signing.models import CertificateAuthority, SignerCertificate
    from warkat.signing.services import (
        ca_create,
        certificate_issue,
        certificate_request,
    )

    signer = _signer_user(signer_position)
    if signer is None:
        log.warning("demo: no signer with an authenticator; no signed letter")
        return None
    if not CertificateAuthority.objects.filter(tenant=tenant).exists():
        ca_create(tenant=tenant, actor=None)
    if not SignerCertificate.objects.filter(
        person_id=signer.person_id, status="active"
    ).exists():
        request = certificate_request(
            tenant=tenant, user=signer, passphrase=DEMO_PASSPHRASE
        )
        certificate_issue(tenant=tenant, actor=None, certificate=request)
    letter = draft_create(
        actor=drafter,
        fields=fields(
            naskah,
            subject,
            signer_position=signer_position,
            **extra,
            recipients=[
                RecipientInput(role="to", kind="position", target_id=sekda.pk),
                RecipientInput(role="copy", kind="external", label="Arsip"),
            ],
        ),
    )
    draft_submit(actor=drafter, draft=letter)
    _review_all(letter)
    letter_sign(
        actor=signer, draft=letter, passphrase=DEMO_PASSPHRASE, otp=demo_totp_code()
    )
    # Deliver now rather than waiting for a task worker, so the demo inboxes are full.
    deliveries_run(draft_id=letter.pk)
    letter.refresh_from_db()
    return letter
