"""Errors of the webhooks domain (mapped to HTTP by the API, to pages by views)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


def url_invalid() -> ValidationError:
    return ValidationError(
        "webhooks.url_invalid",
        _("Give an http or https URL with a host name and without a password."),
        field="url",
    )


def host_unresolvable(host: str) -> ValidationError:
    return ValidationError(
        "webhooks.host_unresolvable",
        _("The host %(host)s cannot be found."),
        field="url",
        params={"host": host},
    )


def address_refused(host: str) -> ValidationError:
    return ValidationError(
        "webhooks.address_refused",
        _(
            "The host %(host)s is a private, loopback or link-local address. "
            "Webhooks go to public addresses, or to hosts the administrator "
            "listed as internal."
        ),
        field="url",
        params={"host": host},
    )


def name_required() -> ValidationError:
    return ValidationError(
        "webhooks.name_required", _("Give the subscription a name."), field="name"
    )


def events_invalid() -> ValidationError:
    return ValidationError(
        "webhooks.events_invalid",
        _("Choose at least one event from the list."),
        field="event_types",
    )


def scopes_invalid() -> ValidationError:
    return ValidationError(
        "webhooks.scopes_invalid", _("Unknown scope."), field="scopes"
    )


def internal_hosts_invalid(entry: str) -> ValidationError:
    return ValidationError(
        "webhooks.internal_hosts_invalid",
        _("%(entry)s is neither a host name nor an IP address or network."),
        field="internal_hosts",
        params={"entry": entry},
    )


def grace_invalid() -> ValidationError:
    return ValidationError(
        "webhooks.grace_invalid",
        _("The grace period is between 0 and 168 hours."),
        field="grace_hours",
    )


def forbidden() -> PermissionDenied:
    return PermissionDenied(
        "webhooks.forbidden",
        _("Only the tenant administrator manages webhooks."),
    )


def endpoint_not_found() -> NotFound:
    return NotFound("webhooks.endpoint_not_found", _("Webhook subscription not found."))


def delivery_not_found() -> NotFound:
    return NotFound("webhooks.delivery_not_found", _("Webhook delivery not found."))


def endpoint_disabled() -> Conflict:
    return Conflict(
        "webhooks.endpoint_disabled",
        _("The subscription is disabled: enable it before replaying."),
    )
