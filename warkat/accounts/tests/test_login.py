"""Sign-in through the allauth pages: NIP or username, lockout, forced changes, TOTP."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from warkat.accounts.models import User
from warkat.accounts.services import user_reset_password, user_unlock
from warkat.accounts.tests.conftest import PASSWORD, make_user
from warkat.audit.models import AuditEvent
from warkat.org.tests import factories as f
from warkat.tenancy.scope import tenant_scope

LOGIN = "/akun/login/"
SECRET = base64.b32encode(b"warkat-test-secret!!").decode()


def post_login(client: Client, login: str, password: str) -> Any:
    return client.post(LOGIN, {"login": login, "password": password})


def actions(tenant: Any) -> list[str]:
    with tenant_scope(tenant):
        return list(
            AuditEvent.objects.filter(tenant=tenant)
            .order_by("seq")
            .values_list("action", flat=True)
        )


def current_code() -> str:
    counter = int(timezone.now().timestamp()) // 30
    return format_hotp_value(hotp_value(SECRET, counter))


def test_login_page_renders_in_indonesian(client: Client, db: Any) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "NIP atau nama pengguna" in body
    assert 'name="login"' in body and 'name="password"' in body
    assert "signup" not in body


def test_sign_in_by_username(client: Client, tenant: Any, staff: User) -> None:
    response = post_login(client, "STAF.keerom", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert "auth.login" in actions(tenant)


def test_sign_in_by_nip(client: Client, tenant: Any, staff: User) -> None:
    assert staff.person is not None and staff.person.nip
    nip = staff.person.nip
    response = post_login(client, nip, PASSWORD)
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    assert "Yohanes Staf" in response.content.decode()


def test_wrong_password_is_refused_and_counted(
    client: Client, tenant: Any, staff: User
) -> None:
    response = post_login(client, "staf.keerom", "wrong-password-1")
    assert response.status_code == 200
    assert client.get("/").status_code == 302  # still anonymous
    staff.refresh_from_db()
    assert staff.failed_logins == 1
    assert actions(tenant)[-1] == "auth.login_failed"


def test_unknown_user_is_refused(client: Client, db: Any) -> None:
    response = post_login(client, "nobody.here", "whatever-123456")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@override_settings(WARKAT_LOCKOUT_FAILURES=3, WARKAT_LOCKOUT_MINUTES=15)
def test_lockout_then_admin_unlock(
    client: Client, tenant: Any, staff: User, admin: User
) -> None:
    for _ in range(2):
        post_login(client, "staf.keerom", "wrong-password-1")
    response = post_login(client, "staf.keerom", "wrong-password-1")
    assert "terkunci" in response.content.decode()
    staff.refresh_from_db()
    assert staff.locked_until is not None
    # Even the right password is refused while locked, with the lock message.
    response = post_login(client, "staf.keerom", PASSWORD)
    assert response.status_code == 200
    assert "terkunci" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "auth.lockout" in actions(tenant)

    with tenant_scope(tenant):
        user_unlock(user=staff, actor=admin)
    assert post_login(client, "staf.keerom", PASSWORD).status_code == 302
    assert "user.unlock" in actions(tenant)


@override_settings(WARKAT_LOCKOUT_FAILURES=2, WARKAT_LOCKOUT_MINUTES=10)
def test_lock_expires(client: Client, tenant: Any, staff: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_login(client, "staf.keerom", "wrong-password-1")
        post_login(client, "staf.keerom", "wrong-password-1")
        assert post_login(client, "staf.keerom", PASSWORD).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        assert post_login(client, "staf.keerom", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(
    client: Client, tenant: Any, staff: User
) -> None:
    post_login(client, "staf.keerom", "wrong-password-1")
    post_login(client, "staf.keerom", PASSWORD)
    staff.refresh_from_db()
    assert staff.failed_logins == 0


def test_inactive_user_cannot_sign_in(client: Client, staff: User) -> None:
    User.objects.filter(pk=staff.pk).update(is_active=False)
    response = post_login(client, "staf.keerom", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_audited(client: Client, tenant: Any, staff: User) -> None:
    post_login(client, "staf.keerom", PASSWORD)
    client.post("/akun/logout/")
    assert actions(tenant)[-1] == "auth.logout"


def test_temporary_password_must_be_changed(
    client: Client, tenant: Any, staff: User, admin: User
) -> None:
    with tenant_scope(tenant):
        temporary = user_reset_password(user=staff, actor=admin)
    assert post_login(client, "staf.keerom", temporary).status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_change_password"))
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": temporary,
            "password1": "Sandi-Baru-Saya-77",
            "password2": "Sandi-Baru-Saya-77",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.must_change_password
    assert client.get("/").status_code == 200
    assert "auth.password_change" in actions(tenant)


@override_settings(PRODUCTION=True)
def test_password_change_refuses_demo_password_in_production(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Warkat-Demo-2026",
            "password2": "Warkat-Demo-2026",
        },
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


# --- two-factor ------------------------------------------------------------------------


@pytest.fixture
def pimpinan(tenant: Any) -> User:
    return make_user(tenant, "bupati.keerom", "pimpinan")


@pytest.fixture
def head_of_unit(tenant: Any) -> User:
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Kepala Dinas")
        f.assignment(tenant, person, f.position(tenant, is_head=True, category="jpt"))
    return make_user(tenant, "kadis.keerom", "staf", person=person)


@override_settings(WARKAT_MFA_REQUIRED_FOR_SIGNERS=True)
@pytest.mark.parametrize("signer", ["pimpinan", "head_of_unit"])
def test_signer_without_totp_is_sent_to_set_it_up(
    client: Client, request: Any, signer: str
) -> None:
    user = request.getfixturevalue(signer)
    assert post_login(client, user.username, PASSWORD).status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page itself is reachable.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@override_settings(WARKAT_MFA_REQUIRED_FOR_SIGNERS=True)
def test_staff_without_totp_is_not_forced(client: Client, staff: User) -> None:
    post_login(client, "staf.keerom", PASSWORD)
    assert client.get("/").status_code == 200


@override_settings(WARKAT_MFA_REQUIRED_FOR_SIGNERS=True)
def test_signer_activates_totp_then_signs_in_with_a_code(
    client: Client, tenant: Any, pimpinan: User, django_capture_on_commit_callbacks: Any
) -> None:
    post_login(client, "bupati.keerom", PASSWORD)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    counter = int(timezone.now().timestamp()) // 30
    code = format_hotp_value(hotp_value(secret, counter))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert "mfa.authenticator_add" in actions(tenant)

    client.post("/akun/logout/")
    response = post_login(client, "bupati.keerom", PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=False):
        counter = int(timezone.now().timestamp()) // 30
        code = format_hotp_value(hotp_value(secret, counter))
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_signer_cannot_remove_their_totp(pimpinan: User, staff: User) -> None:
    from warkat.accounts.adapter import MfaAdapter

    signer_totp = TOTP.activate(pimpinan, SECRET).instance
    staff_totp = TOTP.activate(staff, SECRET).instance
    assert not MfaAdapter().can_delete_authenticator(signer_totp)
    assert MfaAdapter().can_delete_authenticator(staff_totp)
    assert Authenticator.objects.count() == 2


@override_settings(WARKAT_LOCKOUT_FAILURES=2, WARKAT_LOCKOUT_MINUTES=15)
def test_lock_message_tells_the_time_on_the_tenants_clock(
    client: Client, tenant: Any, staff: User
) -> None:
    # 07:30 WIT is 22:30 UTC the day before; the sign-in page has no tenant yet.
    early = dt.datetime(2026, 11, 3, 22, 30, tzinfo=dt.UTC)
    with time_machine.travel(early, tick=False):
        post_login(client, "staf.keerom", "wrong-password-1")
        first = post_login(client, "staf.keerom", "wrong-password-1")
        again = post_login(client, "staf.keerom", "wrong-password-1")
    for response in (first, again):
        text = response.content.decode()
        assert "terkunci" in text
        assert "4 Nov. 2026, 7.45 WIT" in text, text
