"""Errors of the SSO client administration."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import NotFound, ValidationError


def client_not_found() -> NotFound:
    return NotFound("sso.client_not_found", _("Client app not found."))


def bad_redirect_uri(uri: str) -> ValidationError:
    return ValidationError(
        "sso.redirect_uri_invalid",
        _("Not a valid redirect address: %(uri)s (https, or http on this machine)."),
        field="redirect_uris",
        params={"uri": uri},
    )


def no_redirect_uri() -> ValidationError:
    return ValidationError(
        "sso.redirect_uri_missing",
        _("Give at least one redirect address."),
        field="redirect_uris",
    )


def bad_scope(scope: str) -> ValidationError:
    return ValidationError(
        "sso.scope_unknown",
        _("Unknown scope: %(scope)s."),
        field="allowed_scopes",
        params={"scope": scope},
    )


def openid_scope_required() -> ValidationError:
    return ValidationError(
        "sso.scope_openid_required",
        _("The scope openid is always needed for signing in."),
        field="allowed_scopes",
    )


def unit_not_found() -> ValidationError:
    return ValidationError("sso.unit_not_found", _("Unit not found."), field="units")


def name_required() -> ValidationError:
    return ValidationError("sso.name_required", _("Give the app a name."), field="name")
