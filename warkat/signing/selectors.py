"""Reads of the signing app that are more than a ``get``."""

from __future__ import annotations

from django.db.models import QuerySet

from warkat.signing.models import BsreAccount, SignedDocument, SignerCertificate
from warkat.tenancy.models import Tenant


def certificate_list(*, tenant: Tenant) -> QuerySet[SignerCertificate]:
    """Every key request and certificate of the tenant, newest first per person."""
    return (
        SignerCertificate.objects.filter(tenant=tenant)
        .select_related("person")
        .order_by("person__full_name", "person_id", "-pk")
    )


def bsre_accounts(*, tenant: Tenant) -> QuerySet[BsreAccount]:
    return BsreAccount.objects.filter(tenant=tenant).select_related("person")


def signed_documents(*, tenant: Tenant) -> QuerySet[SignedDocument]:
    return SignedDocument.objects.filter(tenant=tenant).order_by("-signed_at", "-pk")


def certified_people() -> QuerySet[SignerCertificate, int]:
    """Ids of the people of the scoped tenant holding an active signing certificate."""
    return (
        SignerCertificate.objects.filter(status=SignerCertificate.Status.ACTIVE)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
