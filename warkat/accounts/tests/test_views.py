"""User administration pages: role checks, tenant isolation, create, reset, unlock,
deactivate; the home page; the production check; the client address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.checks import Error
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from warkat.accounts.checks import production_safety
from warkat.accounts.middleware import request_client_ip
from warkat.accounts.models import User
from warkat.accounts.tests.conftest import make_user
from warkat.org.tests import factories as f
from warkat.tenancy.scope import tenant_scope


def urls_for(user_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("accounts-user-list")),
        ("get", reverse("accounts-user-create")),
        ("get", reverse("accounts-user-detail", args=[user_id])),
        ("post", reverse("accounts-user-reset", args=[user_id])),
        ("post", reverse("accounts-user-unlock", args=[user_id])),
        ("post", reverse("accounts-user-active", args=[user_id])),
    ]


def test_staff_cannot_use_admin_pages(client: Client, staff: User, admin: User) -> None:
    client.force_login(staff)
    for method, url in urls_for(admin.pk):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client: Client, admin: User) -> None:
    response = client.get(reverse("accounts-user-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_other_tenant_admin_sees_nothing(
    client: Client, staff: User, other_admin: User
) -> None:
    client.force_login(other_admin)
    response = client.get(reverse("accounts-user-list"))
    assert "staf.keerom" not in response.content.decode()
    for method, url in urls_for(staff.pk)[2:]:
        assert getattr(client, method)(url).status_code == 404, url
    staff.refresh_from_db()
    assert staff.is_active


def test_list_search_and_constant_queries(
    client: Client, admin: User, tenant: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(admin)
    with tenant_scope(tenant):
        unit = f.unit(tenant)
    make_user(tenant, "user.a0", "staf", ("tu", unit))
    url = reverse("accounts-user-list")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(10):
        make_user(tenant, f"user.b{i}", "staf", ("tu", unit))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "user.b9" in response.content.decode()
    response = client.get(url, {"q": "user.b3"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "user.b3" in body and "user.b4" not in body and "<html" not in body


def test_create_user_shows_password_once(
    client: Client, admin: User, tenant: Any
) -> None:
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Naomi Tabuni")
    client.force_login(admin)
    response = client.get(reverse("accounts-user-create"), {"q": "Tabuni"})
    assert "Naomi Tabuni" in response.content.decode()
    response = client.post(
        reverse("accounts-user-create") + f"?person={person.pk}",
        {"person": person.pk, "username": "naomi.tabuni", "plain": ["staf"]},
    )
    assert response.status_code == 200
    user = User.objects.get(username="naomi.tabuni")
    assert user.person == person and user.must_change_password
    password = response.context["password"]
    assert user.check_password(password)
    assert password in response.content.decode()
    assert (
        "no-store" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )
    # The same username again: the form says why.
    with tenant_scope(tenant):
        second = f.person(tenant)
    response = client.post(
        reverse("accounts-user-create") + f"?person={second.pk}",
        {"person": second.pk, "username": "naomi.tabuni", "plain": ["staf"]},
    )
    assert "sudah dipakai" in response.content.decode()


def test_reset_unlock_deactivate(client: Client, admin: User, staff: User) -> None:
    client.force_login(admin)
    User.objects.filter(pk=staff.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=5)
    )
    detail = reverse("accounts-user-detail", args=[staff.pk])
    assert "Buka kunci" in client.get(detail).content.decode()
    client.post(reverse("accounts-user-unlock", args=[staff.pk]))
    staff.refresh_from_db()
    assert staff.locked_until is None
    response = client.post(reverse("accounts-user-reset", args=[staff.pk]))
    staff.refresh_from_db()
    assert staff.check_password(response.context["password"])
    client.post(reverse("accounts-user-active", args=[staff.pk]), {"active": "0"})
    staff.refresh_from_db()
    assert not staff.is_active


def test_edit_roles(client: Client, admin: User, staff: User, tenant: Any) -> None:
    with tenant_scope(tenant):
        unit = f.unit(tenant)
    client.force_login(admin)
    detail = reverse("accounts-user-detail", args=[staff.pk])
    response = client.post(detail, {"plain": ["pimpinan"], "tu_units": [unit.pk]})
    assert response.status_code == 302
    staff.__dict__.pop("_role_cache", None)
    assert staff.role_set() == {"pimpinan", "tu"}


def test_unit_admin_sees_only_their_units(client: Client, tenant: Any) -> None:
    with tenant_scope(tenant):
        dinas = f.unit(tenant)
        other = f.unit(tenant)
        inside = f.person(tenant)
        f.assignment(tenant, inside, f.position(tenant, f.unit(tenant, parent=dinas)))
        outside = f.person(tenant)
        f.assignment(tenant, outside, f.position(tenant, other))
    actor = make_user(tenant, "admin.dinas", ("unit_admin", dinas))
    in_user = make_user(tenant, "orang.dalam", "staf", person=inside)
    out_user = make_user(tenant, "orang.luar", "staf", person=outside)
    client.force_login(actor)
    body = client.get(reverse("accounts-user-list")).content.decode()
    assert "orang.dalam" in body and "orang.luar" not in body
    detail = reverse("accounts-user-detail", args=[in_user.pk])
    assert client.get(detail).status_code == 200
    detail = reverse("accounts-user-detail", args=[out_user.pk])
    assert client.get(detail).status_code == 404


def test_home_shows_positions_with_capacity(client: Client, tenant: Any) -> None:
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Petrus Kogoya")
        head = f.position(tenant, name="Kepala Dinas Uji", is_head=True, category="jpt")
        today = timezone.localdate()
        f.assignment(
            tenant,
            person,
            head,
            kind="plh",
            start_date=today,
            end_date=today + dt.timedelta(days=3),
        )
    user = make_user(tenant, "petrus.k", "staf", person=person)
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "Petrus Kogoya" in body
    assert "Plh. Kepala Dinas Uji" in body
    assert reverse("account_change_password") in body
    assert reverse("accounts-user-list") not in body  # not an admin


def test_home_links_for_admin(client: Client, admin: User) -> None:
    client.force_login(admin)
    body = client.get("/").content.decode()
    assert reverse("accounts-user-list") in body
    assert reverse("audit:event_list") in body


def _nav(body: str) -> str:
    return body.split('<nav class="mainnav">', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    ("roles", "users_link", "audit_link"),
    [
        (("tenant_admin",), True, True),
        ("unit_admin", True, False),
        (("staf",), False, False),
    ],
)
def test_nav_admin_links_follow_roles(
    client: Client, tenant: Any, roles: Any, users_link: bool, audit_link: bool
) -> None:
    if roles == "unit_admin":
        with tenant_scope(tenant):
            unit = f.unit(tenant, name="Dinas Uji")
        roles = (("unit_admin", unit),)
    client.force_login(make_user(tenant, "nav.user", *roles))
    nav = _nav(client.get(reverse("org:tree")).content.decode())
    assert (f'href="{reverse("accounts-user-list")}"' in nav) is users_link
    assert (f'href="{reverse("audit:event_list")}"' in nav) is audit_link


def test_nav_signs_out_once(client: Client, admin: User) -> None:
    client.force_login(admin)
    nav = _nav(client.get("/").content.decode())
    assert nav.count(reverse("account_logout")) == 1
    assert nav.count(">Keluar<") == 1  # the sign-out button; outgoing is "Surat keluar"


# --- production check ---------------------------------------------------------------------


def test_production_check_is_quiet_outside_production(db: Any) -> None:
    assert production_safety() == []


@override_settings(
    PRODUCTION=True,
    DEBUG=False,
    SECRET_KEY="a-real-production-secret-key-with-enough-entropy-0123456789",
)
def test_production_check(tenant: Any) -> None:
    assert production_safety() == []
    user = make_user(tenant, "lupa.ganti", "staf")
    user.set_password("Warkat-Demo-2026")
    user.save()
    problems = production_safety()
    assert [p.id for p in problems] == ["warkat.E003"]
    assert "lupa.ganti" in problems[0].msg
    user.set_password("Sandi-Yang-Baru-99")
    user.save()
    assert production_safety() == []
    with override_settings(DEBUG=True, SECRET_KEY="warkat-insecure-development-key"):
        ids = {p.id for p in production_safety()}
    assert ids == {"warkat.E001", "warkat.E002"}
    assert all(isinstance(p, Error) for p in problems)


# --- client address -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("10.0.0.5", "", [], "10.0.0.5"),
        ("10.0.0.5", "203.0.113.9", [], "10.0.0.5"),  # untrusted proxy: ignored
        ("10.0.0.5", "203.0.113.9", ["10.0.0.5"], "203.0.113.9"),
        ("10.0.0.5", "198.51.100.1, 203.0.113.9", ["10.0.0.5"], "203.0.113.9"),
        ("10.0.0.5", "garbage", ["10.0.0.5"], "10.0.0.5"),
    ],
)
def test_client_ip(
    remote: str, forwarded: str, trusted: list[str], expected: str
) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    with override_settings(WARKAT_TRUSTED_PROXIES=trusted):
        assert request_client_ip(request) == expected


def test_audit_events_carry_the_client_ip(
    client: Client, staff: User, tenant: Any
) -> None:
    from warkat.audit.models import AuditEvent

    client.post(
        reverse("account_login"),
        {"login": "staf.keerom", "password": "Rahasia-Kuat-2026"},
        REMOTE_ADDR="192.0.2.44",
    )
    with tenant_scope(tenant):
        event = AuditEvent.objects.filter(action="auth.login").get()
    assert event.client_ip == "192.0.2.44"
