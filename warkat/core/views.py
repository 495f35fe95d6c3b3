"""The home page (who am I, what do I hold today, where to go)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.accounts.models import Role
from warkat.core.home import (
    HomeLink,
    home_link_register,
    home_links,
    home_panels,
)
from warkat.core.http import tenant_view

ADMINS = frozenset({Role.TENANT_ADMIN, Role.UNIT_ADMIN})

for _link in (
    HomeLink(key="org", label=_("Organisation"), url_name="org:tree", order=50),
    HomeLink(
        key="accounts.users",
        label=_("Users"),
        url_name="accounts-user-list",
        roles=ADMINS,
        order=80,
    ),
    HomeLink(
        key="audit",
        label=_("Audit log"),
        url_name="audit:event_list",
        roles=frozenset({Role.TENANT_ADMIN}),
        order=90,
    ),
    HomeLink(
        key="accounts.password",
        label=_("Change password"),
        url_name="account_change_password",
        order=200,
    ),
    HomeLink(
        key="accounts.mfa",
        label=_("Two-factor authentication"),
        url_name="mfa_index",
        order=210,
    ),
):
    home_link_register(_link)


@tenant_view
def home(request: HttpRequest) -> HttpResponse:
    from warkat.accounts.selectors import user_has_totp, user_is_signer, user_roles
    from warkat.org.selectors import positions_held

    user = request.user
    person = user.person  # type: ignore[union-attr]
    assignments = list(positions_held(person=person)) if person is not None else []
    context = {
        "person": person,
        "assignments": assignments,
        "roles": user_roles(user=user),  # type: ignore[arg-type]
        "today": timezone.localdate(),
        "is_signer": user_is_signer(user=user),
        "has_totp": user_has_totp(user=user),
        "links": home_links(request),
        "panels": home_panels(request),
    }
    return render(request, "core/home.html", context)
