"""The outgoing-letter API: the whole path, refusals as 4xx with nothing changed,
secrecy and tenant isolation on every route, constant query counts on lists."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from warkat.drafting.models import Draft
from warkat.drafting.tests.factories import (
    PASSPHRASE,
    approved,
    draft,
    naskah,
    otp,
    signer_ready,
)
from warkat.letters.tests.factories import build_org, client_for
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db
API = "/api/v1"


def body(o: SimpleNamespace, **kw: Any) -> dict[str, Any]:
    data = {
        "naskah_type": "surat-dinas",
        "subject": "Undangan rapat SPBE",
        "body": "<p>Dengan hormat,</p><p onmouseover='x()'>Kami undang.</p><script>1</script>",
        "signer_position_id": o.pos.kadis.pk,
        "classification_code": "000.1.1",
        "place": "Arso",
        "recipients": [
            {"role": "to", "kind": "position", "target_id": o.pos.kadinkes.pk}
        ],
    }
    data.update(kw)
    return data


def test_create_review_and_sign_through_the_api(
    o: SimpleNamespace, frozen: Any
) -> None:
    staf, kabid = client_for(o.users.staf_a), client_for(o.users.kabid_a)
    r = staf.post(f"{API}/letters/outgoing", body(o), content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    letter_id = data["id"]
    assert (
        data["state"] == "draft"
        and "<script>" not in data["body"]
        and "onmouseover" not in data["body"]
    )
    assert [s["position_name"] for s in data["steps"]] == [
        "Kabid Aplikasi",
        "Kepala Dinas Kominfo",
    ]
    assert set(data["actions"]) == {"chain", "edit", "submit"}
    r = staf.put(
        f"{API}/letters/outgoing/{letter_id}",
        body(o, subject="Undangan rapat SPBE 2026"),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = staf.get(f"{API}/letters/outgoing/{letter_id}/compare?a=1&b=2")
    assert (
        r.status_code == 200 and r.json()["fields"][0][2] == "Undangan rapat SPBE 2026"
    )
    assert staf.post(f"{API}/letters/{letter_id}/submit").status_code == 200
    assert staf.post(f"{API}/letters/{letter_id}/submit").status_code == 409
    assert (
        kabid.post(
            f"{API}/letters/{letter_id}/approve",
            {"note": "ok"},
            content_type="application/json",
        ).json()["state"]
        == "approved"
    )
    user = signer_ready(o)
    kadis = client_for(user)
    assert (
        kadis.get(f"{API}/letters/outgoing?box=sign").json()["items"][0]["id"]
        == letter_id
    )
    r = kadis.post(
        f"{API}/letters/{letter_id}/sign",
        {"passphrase": PASSPHRASE, "otp": otp()},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["number"].startswith("000.1.1/1/")
    pdf = kadis.get(f"{API}/letters/{letter_id}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"


def test_bad_input_is_422_and_creates_nothing(o: SimpleNamespace) -> None:
    staf = client_for(o.users.staf_a)
    for bad in (
        body(o, subject=" "),
        body(o, naskah_type="tidak-ada"),
        body(o, signer_position_id=999999),
        body(o, classification_code="9.9.9"),
        body(o, security="rahasia-banget"),
        body(
            o, capacity="ub", signer_position_id=o.pos.sekda.pk
        ),  # Sekda → Bupati: one level only
        body(o, recipients=[{"kind": "external", "label": "X", "email": "bukan"}]),
    ):
        r = staf.post(f"{API}/letters/outgoing", bad, content_type="application/json")
        assert r.status_code == 422, (bad, r.content)
        assert {"code", "message", "message_en"} <= set(r.json())
    assert Draft.objects.count() == 0


def test_wrong_role_and_state_are_4xx(o: SimpleNamespace) -> None:
    d = draft(o)
    outsider, kabid = client_for(o.users.outsider), client_for(o.users.kabid_a)
    lid = d.letter_id
    # Not in the chain and not TU: the draft does not exist for them.
    assert outsider.get(f"{API}/letters/outgoing/{lid}").status_code == 404
    assert outsider.post(f"{API}/letters/{lid}/submit").status_code == 404
    # In the chain but not their turn / not the drafter.
    assert kabid.post(f"{API}/letters/{lid}/submit").status_code == 403
    assert (
        kabid.post(
            f"{API}/letters/{lid}/approve", {}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        kabid.post(
            f"{API}/letters/{lid}/sign",
            {"passphrase": "x", "otp": "1"},
            content_type="application/json",
        ).status_code
        == 409
    )
    d.refresh_from_db()
    assert d.state == "draft" and d.version == 1


def test_secret_letters_stay_in_their_chain(o: SimpleNamespace) -> None:
    secret = draft(o, security="rahasia", subject="Rahasia: mutasi pejabat")
    plain = draft(o, subject="Biasa")
    tu, admin, staf = (
        client_for(o.users.tu),
        client_for(o.users.admin),
        client_for(o.users.staf_a),
    )
    for c in (tu, admin):
        assert c.get(f"{API}/letters/outgoing/{secret.letter_id}").status_code == 404
        assert c.get(f"{API}/letters/{secret.letter_id}/pdf").status_code == 404
        # Unsigned drafts stay with their chain, secret or not.
        assert c.get(f"{API}/letters/outgoing/{plain.letter_id}").status_code == 404
    assert staf.get(f"{API}/letters/outgoing/{secret.letter_id}").status_code == 200
    kabid = client_for(o.users.kabid_a)  # in the paraf chain
    assert kabid.get(f"{API}/letters/outgoing/{secret.letter_id}").status_code == 200
    outsider = client_for(o.users.outsider)
    assert outsider.get(f"{API}/letters/{secret.letter_id}/pdf").status_code == 404


def test_secret_letters_not_in_registry_lists(o: SimpleNamespace, frozen: Any) -> None:
    user = signer_ready(o)
    from warkat.drafting.sending import letter_sign

    s = approved(o, security="sangat_rahasia", subject="Sangat rahasia")
    p = approved(o, subject="Surat biasa")
    letter_sign(actor=user, draft=s, passphrase=PASSPHRASE, otp=otp())
    letter_sign(actor=user, draft=p, passphrase=PASSPHRASE, otp=otp(frozen))
    tu = client_for(o.users.tu)
    items = tu.get(f"{API}/letters/outgoing?box=registry").json()["items"]
    assert [i["subject"] for i in items] == ["Surat biasa"]
    assert tu.get(f"{API}/letters/outgoing/{p.letter_id}").status_code == 200
    assert tu.get(f"{API}/letters/{p.letter_id}/pdf").status_code == 200
    assert tu.get(f"{API}/letters/outgoing/{s.letter_id}").status_code == 404
    assert tu.get(f"{API}/letters/{s.letter_id}/pdf").status_code == 404
    register = tu.get(f"{API}/numbers?unit_id={o.dinas.pk}&year=2026").json()["items"]
    assert sorted(e["sequence"] for e in register) == [1, 2]
    assert {e["subject"] for e in register} == {"", "Surat biasa"}
    assert (
        client_for(o.users.staf_a)
        .get(f"{API}/numbers?unit_id={o.dinas.pk}&year=2026")
        .status_code
        == 403
    )


def test_tenant_isolation(o: SimpleNamespace, other_tenant: Any) -> None:
    d = draft(o)
    with tenant_scope(other_tenant):
        other = build_org(other_tenant, prefix="G")
    c = client_for(other.users.admin)
    assert c.get(f"{API}/letters/outgoing/{d.letter_id}").status_code == 404
    assert c.get(f"{API}/letters/{d.letter_id}/pdf").status_code == 404
    assert c.post(f"{API}/letters/{d.letter_id}/submit").status_code == 404
    assert c.get(f"{API}/letters/outgoing?box=registry").json()["items"] == []


def test_list_query_count_is_constant(
    o: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    staf = client_for(o.users.staf_a)
    draft(o)
    with django_assert_max_num_queries(12) as one:
        assert len(staf.get(f"{API}/letters/outgoing?box=mine").json()["items"]) == 1
    for i in range(5):
        draft(o, subject=f"Surat {i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(staf.get(f"{API}/letters/outgoing?box=mine").json()["items"]) == 6


def test_recipient_picker_lists_other_tenants_public_names(
    o: SimpleNamespace, other_tenant: Any
) -> None:
    from warkat.org.tests import factories as org

    with tenant_scope(other_tenant):
        org.position(other_tenant, name="Kepala Bappeda Gorontalo", category="jpt")
    r = client_for(o.users.staf_a).get(f"{API}/letters/outgoing-recipients?q=kepala")
    items = r.json()
    assert any(
        i["label"].startswith("Kepala Bappeda Gorontalo")
        and i["tenant_id"] == other_tenant.pk
        for i in items
    )
    assert items[0]["tenant_id"] == o.tenant.pk  # own Pemda first


def test_openapi_declares_errors() -> None:
    from warkat.api.urls import api

    paths = api.get_openapi_schema()["paths"]
    sign = paths["/api/v1/letters/{letter_id}/sign"]["post"]["responses"]
    assert {403, 404, 409, 422, 503} <= {int(k) for k in sign}


def test_number_register_is_paged(o: SimpleNamespace, monkeypatch: Any) -> None:
    from warkat.drafting import selectors
    from warkat.drafting.register import number_reserve

    monkeypatch.setattr(selectors, "LIST_SIZE", 2)
    for n in range(3):
        number_reserve(
            actor=o.users.tu, unit=o.dinas, naskah_type=naskah(o.tenant),
            subject=f"Nomor cadangan {n}",
        )  # fmt: skip
    tu = client_for(o.users.tu)
    url = f"{API}/numbers?unit_id={o.dinas.pk}&year=2026"
    first = tu.get(url).json()
    assert (first["page"], first["has_next"], len(first["items"])) == (1, True, 2)
    second = tu.get(url + "&page=2").json()
    assert (second["page"], second["has_next"], len(second["items"])) == (2, False, 1)
    seen = [e["sequence"] for e in first["items"] + second["items"]]
    assert sorted(seen) == [1, 2, 3]
