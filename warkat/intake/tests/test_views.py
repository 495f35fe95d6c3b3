"""The mail-in pages: scoped to the TU's units and the tenant, role-checked;
completing into a registration, discarding, files, package import and export."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from warkat.intake import exchange
from warkat.intake.models import InboundItem
from warkat.intake.services.exchange import exchange_import
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.tests.factories import build_org, client_for, pdf_upload, register
from warkat.org.tests import factories as org
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def package(subject: str = "Undangan rapat") -> bytes:
    return exchange.package_build(
        metadata={
            "perihal": subject,
            "nomor": "005/9/PROV",
            "kode_klasifikasi": "000.1.1",
        },
        main=sample_pdf(["Surat"]),
        attachments=[],
    )


@pytest.fixture
def item(o: SimpleNamespace, media: Any) -> InboundItem:
    return exchange_import(actor=o.users.tu, unit=o.dinas, data=package())


def test_queue_and_item_are_scoped_and_role_checked(
    o: SimpleNamespace, item: InboundItem, other_tenant: Any
) -> None:
    tu = client_for(o.users.tu)
    page = tu.get(reverse("intake:queue"))
    assert page.status_code == 200 and "Undangan rapat" in page.text
    assert tu.get(reverse("intake:item", args=[item.pk])).status_code == 200
    files = list(item.files.all())
    assert (
        tu.get(reverse("intake:item-file", args=[item.pk, files[0].pk])).status_code
        == 200
    )
    # A TU of another unit sees nothing of it; staff have no queue at all.
    other_tu = org.user(o.tenant, "tu", unit_=o.other, username="tu-dinkes")
    assert (
        "Undangan rapat" not in client_for(other_tu).get(reverse("intake:queue")).text
    )
    assert (
        client_for(other_tu).get(reverse("intake:item", args=[item.pk])).status_code
        == 404
    )
    assert client_for(o.users.outsider).get(reverse("intake:queue")).status_code == 403
    assert (
        client_for(o.users.admin)
        .get(reverse("intake:item", args=[item.pk]))
        .status_code
        == 200
    )
    with tenant_scope(other_tenant):
        b = build_org(other_tenant, prefix="b")
    stranger = client_for(b.users.admin)
    assert stranger.get(reverse("intake:item", args=[item.pk])).status_code == 404
    assert (
        stranger.post(
            reverse("intake:item-discard", args=[item.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.state == "pending"


def test_tu_completes_an_item_into_a_registration(
    o: SimpleNamespace, item: InboundItem
) -> None:
    response = client_for(o.users.tu).post(
        reverse("intake:item-register", args=[item.pk]),
        {
            "addressed_position": o.pos.kadis.pk, "subject": "Undangan rapat",
            "classification": "000.1.1", "number": "005/9/PROV",
            "letter_date": "2026-11-02", "sender_institution": "Pemprov Papua",
            "security": "biasa", "urgency": "biasa",
        },
    )  # fmt: skip
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/{letter.pk}/"
    )
    item.refresh_from_db()
    assert item.state == "registered" and item.letter == letter
    # Done once: a second attempt changes nothing.
    again = client_for(o.users.tu).post(reverse("intake:item-register", args=[item.pk]), {
        "addressed_position": o.pos.kadis.pk, "subject": "x", "classification": "000.1.1",
        "number": "1", "sender_institution": "y", "security": "biasa", "urgency": "biasa",
    })  # fmt: skip
    assert again.status_code == 409 and Letter.objects.count() == 1


def test_discard_needs_a_reason(o: SimpleNamespace, item: InboundItem) -> None:
    tu = client_for(o.users.tu)
    assert (
        tu.post(reverse("intake:item-discard", args=[item.pk]), {}).status_code == 422
    )
    assert (
        tu.post(
            reverse("intake:item-discard", args=[item.pk]), {"reason": "Spam"}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.state == "discarded" and item.reason == "Spam"


def test_package_import_page_and_export_secrecy(o: SimpleNamespace, media: Any) -> None:
    tu = client_for(o.users.tu)
    upload = SimpleUploadedFile("paket.zip", package("Dari SRIKANDI"))
    response = tu.post(
        reverse("intake:package-import"), {"unit": o.dinas.pk, "package": upload}
    )
    assert response.status_code == 302
    assert InboundItem.objects.get().subject == "Dari SRIKANDI"
    # Another unit's queue is not the TU's.
    upload = SimpleUploadedFile("paket.zip", package())
    assert (
        tu.post(
            reverse("intake:package-import"), {"unit": o.other.pk, "package": upload}
        ).status_code
        == 403
    )
    secret = register(o, security="rahasia", files=[pdf_upload()])
    url = reverse("intake:letter-export", args=[secret.pk])
    assert tu.get(url).status_code == 403
    answer = client_for(o.users.kadis).get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"


def test_only_the_tenant_admin_manages_mailboxes(o: SimpleNamespace) -> None:
    assert client_for(o.users.tu).get(reverse("intake:mailboxes")).status_code == 403
    admin = client_for(o.users.admin)
    response = admin.post(reverse("intake:mailboxes"), {
        "unit": o.dinas.pk, "host": "imap.keerom.invalid", "port": 993, "use_tls": "on",
        "username": "tu@keerom.invalid", "password": "rahasia", "folder": "INBOX",
        "enabled": "on",
    })  # fmt: skip
    assert response.status_code == 302
    page = admin.get(reverse("intake:mailboxes"))
    assert (
        "imap.keerom.invalid" in page.text
        and "rahasia" not in page.text.split("<form")[0]
    )
