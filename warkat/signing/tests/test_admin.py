"""Certificate management pages: tenant admin only, issue/revoke through the UI,
the signer's key page, tenant isolation."""

from __future__ import annotations

from typing import Any

from django.test import Client

from warkat.org.tests import factories as org
from warkat.signing import services
from warkat.signing.models import SignerCertificate
from warkat.signing.tests import factories


def test_admin_issues_and_revokes(in_tenant: Any, client: Client) -> None:
    admin = org.user(in_tenant, "tenant_admin")
    client.force_login(admin)
    assert client.post("/tte/ca/").status_code == 302
    s = factories.signer(in_tenant, issue=False)
    request = services.certificate_request(
        tenant=in_tenant, user=s.user, passphrase="kunci-rahasia-1"
    )
    page = client.get("/tte/sertifikat/")
    assert page.status_code == 200 and s.person.full_name in page.content.decode()
    client.post(f"/tte/sertifikat/{request.pk}/issue/")
    assert SignerCertificate.objects.get(pk=request.pk).status == "active"
    client.post(
        f"/tte/sertifikat/{request.pk}/revoke/", {"reason": "affiliation_changed"}
    )
    cert = SignerCertificate.objects.get(pk=request.pk)
    assert cert.status == "revoked" and cert.revoked_by == admin


def test_staff_cannot_manage(in_tenant: Any, client: Client) -> None:
    client.force_login(org.user(in_tenant, "staf"))
    assert client.get("/tte/sertifikat/").status_code == 403
    assert client.post("/tte/ca/").status_code in {302, 403}
    assert not services.CertificateAuthority.objects.exists()
    assert client.get("/api/v1/signing/certificates").status_code == 403


def test_signer_creates_key_with_passphrase(in_tenant: Any, client: Client) -> None:
    s = factories.signer(in_tenant, issue=False)
    client.force_login(s.user)
    bad = client.post("/tte/kunci/", {"passphrase": "pendek", "passphrase2": "pendek"})
    assert bad.status_code == 200 and not SignerCertificate.objects.exists()
    ok = client.post(
        "/tte/kunci/",
        {"passphrase": "kunci-rahasia-123", "passphrase2": "kunci-rahasia-123"},
    )
    assert ok.status_code == 302
    cert = SignerCertificate.objects.get()
    assert cert.status == "requested" and b"kunci-rahasia-123" not in bytes(
        cert.encrypted_key
    )


def test_other_tenant_certificate_is_not_found(
    in_tenant: Any, other_tenant: Any, client: Client
) -> None:
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(other_tenant):
        foreign = factories.signer(other_tenant)
    admin = org.user(in_tenant, "tenant_admin")
    client.force_login(admin)
    assert foreign.certificate is not None
    response = client.post(
        f"/tte/sertifikat/{foreign.certificate.pk}/revoke/", {"reason": "unspecified"}
    )
    assert response.status_code == 404
    with tenant_scope(other_tenant):
        assert (
            SignerCertificate.objects.get(pk=foreign.certificate.pk).status == "active"
        )
