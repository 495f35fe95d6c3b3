"""User services: validation, conflicts, roles and their limits, passwords, tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from warkat.accounts import errors, services
from warkat.accounts.models import ApiToken, User
from warkat.accounts.selectors import api_token_resolve
from warkat.accounts.tests.conftest import make_user
from warkat.audit.models import AuditEvent
from warkat.core.errors import Conflict, PermissionDenied, ValidationError
from warkat.org.tests import factories as f


def test_create_with_generated_password(in_tenant: Any, admin: User) -> None:
    person = f.person(in_tenant)
    user, password = services.user_create(
        tenant=in_tenant,
        actor=admin,
        username="Budi.Santoso",
        person=person,
        roles=[("staf", None)],
    )
    assert user.username == "budi.santoso"
    assert user.check_password(password)
    assert user.must_change_password
    assert user.has_role("staf")
    event = AuditEvent.objects.filter(action="user.create").order_by("-seq").first()
    assert event is not None and event.actor == admin
    assert password not in str(event.data)


@pytest.mark.parametrize(
    "username", ["ab", "Budi Santoso", ".budi", "budi/x", "x" * 61]
)
def test_bad_usernames(in_tenant: Any, admin: User, username: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.user_create(tenant=in_tenant, actor=admin, username=username)
    assert exc.value.code == "user.username_invalid"


def test_digit_username_must_be_own_nip(in_tenant: Any, admin: User) -> None:
    person = f.person(in_tenant)
    with pytest.raises(ValidationError):
        services.user_create(
            tenant=in_tenant, actor=admin, username="123456789012345678", person=person
        )
    user, _ = services.user_create(
        tenant=in_tenant, actor=admin, username=person.nip or "", person=person
    )
    assert user.username == person.nip


def test_duplicates_conflict(in_tenant: Any, admin: User, staff: User) -> None:
    with pytest.raises(Conflict) as exc:
        services.user_create(tenant=in_tenant, actor=admin, username="STAF.keerom")
    assert exc.value.code == "user.username_taken"
    with pytest.raises(Conflict) as exc:
        services.user_create(
            tenant=in_tenant, actor=admin, username="another.one", person=staff.person
        )
    assert exc.value.code == "user.person_has_user"
    body = exc.value.as_dict()
    assert "sudah memiliki akun" in body["message"]
    assert "already has a user ID" in body["message_en"]


def test_weak_password_is_explained_in_both_languages(
    in_tenant: Any, admin: User
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            tenant=in_tenant, actor=admin, username="lemah.sekali", password="12345"
        )
    body = exc.value.as_dict()
    assert body["code"] == "user.password_invalid"
    assert "too short" in body["message_en"]
    assert "terlalu pendek" in body["message"]
    assert not User.objects.filter(username="lemah.sekali").exists()


@override_settings(PRODUCTION=True)
def test_production_refuses_the_demo_password(in_tenant: Any, admin: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            tenant=in_tenant,
            actor=admin,
            username="demo.user",
            password="Warkat-Demo-2026",
        )
    assert exc.value.code == "user.password_demo"


def test_person_of_another_tenant(
    in_tenant: Any, admin: User, other_user: User
) -> None:
    with pytest.raises(ValidationError):
        services.user_create(
            tenant=in_tenant, actor=admin, username="x.y.z", person=other_user.person
        )


def test_roles_are_validated(in_tenant: Any, admin: User) -> None:
    unit = f.unit(in_tenant)
    with pytest.raises(ValidationError):
        services.user_create(
            tenant=in_tenant, actor=admin, username="tu.one", roles=[("tu", None)]
        )
    with pytest.raises(ValidationError):
        services.user_create(
            tenant=in_tenant, actor=admin, username="tu.two", roles=[("staf", unit)]
        )
    with pytest.raises(ValidationError):
        services.user_create(
            tenant=in_tenant, actor=admin, username="tu.three", roles=[("boss", None)]
        )
    user, _ = services.user_create(
        tenant=in_tenant, actor=admin, username="tu.four", roles=[("tu", unit)]
    )
    assert user.has_role("tu")


def test_staff_cannot_create_users(in_tenant: Any, staff: User) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(tenant=in_tenant, actor=staff, username="nope.user")


def test_admin_of_another_tenant_cannot_act(
    in_tenant: Any, staff: User, other_admin: User
) -> None:
    with pytest.raises(errors.NotFound):
        services.user_create(tenant=in_tenant, actor=other_admin, username="evil.user")
    with pytest.raises(errors.NotFound):
        services.user_reset_password(user=staff, actor=other_admin)


@pytest.fixture
def unit_tree(in_tenant: Any) -> dict[str, Any]:
    """A dinas with a bidang, a second dinas; one person in each."""
    dinas = f.unit(in_tenant)
    bidang = f.unit(in_tenant, parent=dinas, kind="bidang")
    other = f.unit(in_tenant)
    inside = f.person(in_tenant)
    f.assignment(in_tenant, inside, f.position(in_tenant, bidang))
    outside = f.person(in_tenant)
    f.assignment(in_tenant, outside, f.position(in_tenant, other))
    unit_admin = make_user(in_tenant, "admin.dinas", ("unit_admin", dinas))
    return {
        "dinas": dinas,
        "bidang": bidang,
        "other": other,
        "inside": inside,
        "outside": outside,
        "unit_admin": unit_admin,
    }


def test_unit_admin_works_only_inside_their_units(
    in_tenant: Any, unit_tree: dict[str, Any]
) -> None:
    actor = unit_tree["unit_admin"]
    user, _ = services.user_create(
        tenant=in_tenant,
        actor=actor,
        username="orang.dalam",
        person=unit_tree["inside"],
        roles=[("tu", unit_tree["bidang"])],
    )
    assert user.has_role("tu")
    with pytest.raises(ValidationError):
        services.user_create(
            tenant=in_tenant,
            actor=actor,
            username="orang.luar",
            person=unit_tree["outside"],
        )
    with pytest.raises(PermissionDenied):
        services.user_set_roles(user=user, actor=actor, roles=[("tenant_admin", None)])
    with pytest.raises(PermissionDenied):
        services.user_set_roles(
            user=user, actor=actor, roles=[("tu", unit_tree["other"])]
        )
    outsider = make_user(in_tenant, "luar.user", "staf", person=unit_tree["outside"])
    with pytest.raises(errors.NotFound):
        services.user_reset_password(user=outsider, actor=actor)


def test_set_roles_replaces_and_audits(
    in_tenant: Any, admin: User, staff: User
) -> None:
    unit = f.unit(in_tenant)
    services.user_set_roles(
        user=staff, actor=admin, roles=[("pimpinan", None), ("tu", unit)]
    )
    assert staff.role_set() == {"pimpinan", "tu"}
    event = AuditEvent.objects.filter(action="user.roles_set").get()
    assert event.data["before"] == ["staf"]
    assert event.data["after"] == sorted(["pimpinan", f"tu@{unit.code}"])


def test_admin_cannot_drop_own_admin_role(in_tenant: Any, admin: User) -> None:
    with pytest.raises(PermissionDenied):
        services.user_set_roles(user=admin, actor=admin, roles=[("staf", None)])


def test_reset_password(in_tenant: Any, admin: User, staff: User) -> None:
    _, raw = services.api_token_create(user=staff, name="script")
    password = services.user_reset_password(user=staff, actor=admin)
    staff.refresh_from_db()
    assert staff.check_password(password) and staff.must_change_password
    assert api_token_resolve(raw=raw) is None  # tokens revoked with the reset
    with pytest.raises(PermissionDenied):
        services.user_reset_password(user=admin, actor=admin)


def test_deactivate_revokes_tokens(in_tenant: Any, admin: User, staff: User) -> None:
    _, raw = services.api_token_create(user=staff)
    services.user_deactivate(user=staff, actor=admin)
    assert not staff.is_active
    assert ApiToken.objects.get().revoked_at is not None
    assert api_token_resolve(raw=raw) is None


def test_token_stores_only_a_hash(in_tenant: Any, staff: User) -> None:
    token, raw = services.api_token_create(user=staff, ttl_days=7)
    assert raw not in (token.key_hash, token.prefix)
    assert api_token_resolve(raw=raw) == token
    with pytest.raises(ValidationError):
        services.api_token_create(user=staff, ttl_days=0)
