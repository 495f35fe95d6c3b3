from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, NotFound, ValidationError

UNKNOWN_REGION = "tenant.unknown_region"


def unknown_region(code: str) -> ValidationError:
    return ValidationError(
        UNKNOWN_REGION,
        _("Unknown region code %(code)s: it is not in the Kemendagri list."),
        field="region_code",
        params={"code": code},
    )


def not_a_pemda(code: str) -> ValidationError:
    return ValidationError(
        "tenant.not_a_pemda",
        _("Region %(code)s is not a province, kabupaten or kota."),
        field="region_code",
        params={"code": code},
    )


def tenant_exists(code: str) -> Conflict:
    return Conflict(
        "tenant.exists",
        _("A tenant for region %(code)s already exists."),
        field="region_code",
        params={"code": code},
    )


def bad_host(code: str) -> ValidationError:
    return ValidationError(
        "tenant.bad_host",
        _("Only the province that contains region %(code)s can host it."),
        field="host",
        params={"code": code},
    )


def tenant_not_found() -> NotFound:
    return NotFound("tenant.not_found", _("Tenant not found."))
