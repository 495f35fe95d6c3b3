"""Demo accounts: the documented log-ins exist, loading twice changes nothing, and the
demo signers sign in with the documented TOTP secret."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from warkat.accounts.models import User
from warkat.demo.accounts import demo_accounts_load, demo_totp_code
from warkat.demo.organisation import demo_org_load
from warkat.tenancy.scope import tenant_scope

DEMO_PASSWORD = "Warkat-Demo-2026"


def test_demo_accounts(client: Client, tenant: Any) -> None:
    with tenant_scope(tenant):
        org = demo_org_load(tenant=tenant)
        first = demo_accounts_load(tenant=tenant, people=org["people"])
        count = User.objects.count()
        again = demo_accounts_load(tenant=tenant, people=org["people"])
    assert User.objects.count() == count
    assert sorted(first) == sorted(again)
    names = [u for u, _ in first]
    assert names[:7] == [
        "admin.keerom",
        "bupati.keerom",
        "wabup.keerom",
        "sekda.keerom",
        "tu.setda.keerom",
        "kadis.kominfo.keerom",
        "staf.kominfo.keerom",
    ]
    # One user per person, all with the demo password.
    assert count == len({p.pk for p in org["people"].values()})
    assert all(password == DEMO_PASSWORD for _, password in first)

    admin = User.objects.get(username="admin.keerom")
    assert admin.has_role("tenant_admin")
    tu = User.objects.get(username="tu.setda.keerom")
    assert tu.has_role("tu")
    bupati = User.objects.get(username="bupati.keerom")
    assert Authenticator.objects.filter(user=bupati, type="totp").exists()
    # The Wakil Bupati heads no unit but is a pimpinan, and signs: with TOTP.
    wabup = User.objects.get(username="wabup.keerom")
    assert wabup.role_set() == {"pimpinan"}
    assert Authenticator.objects.filter(user=wabup, type="totp").exists()
    staf = User.objects.get(username="staf.kominfo.keerom")
    assert not Authenticator.objects.filter(user=staf).exists()

    # A staff member signs in with the password alone …
    response = client.post(
        reverse("account_login"),
        {"login": "staf.kominfo.keerom", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("account_logout"))
    # … a signer with the password and the documented authenticator code.
    response = client.post(
        reverse("account_login"), {"login": "bupati.keerom", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": demo_totp_code()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
