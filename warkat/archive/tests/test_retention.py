"""Retention from the classification code: the periods run from 1 January after
the record date; the tenant's local JRA overrides; the due lists per kind."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from warkat.archive.models import ClassificationCode, TenantClassificationCode
from warkat.archive.retention import record_date, retention_for, tenant_overrides
from warkat.archive.selectors.disposal import due_letters
from warkat.archive.tests.conftest import old_letter
from warkat.letters.models import Letter

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 4)


def test_periods_run_from_the_first_of_january_after_the_record_date(
    o: SimpleNamespace,
) -> None:
    letter = old_letter(o, 2020)
    assert record_date(letter) == dt.date(2020, 6, 2)  # received, not dated
    ret = retention_for(ClassificationCode.objects.get(code="000.4.3.1"))
    assert ret is not None and (ret.active_years, ret.inactive_years) == (3, 7)
    assert ret.start(dt.date(2020, 3, 10)) == dt.date(2021, 1, 1)
    assert ret.active_until(dt.date(2020, 3, 10)) == dt.date(2024, 1, 1)
    assert ret.inactive_until(dt.date(2020, 12, 31)) == dt.date(2031, 1, 1)
    assert retention_for(ClassificationCode.objects.get(code="000")) is None
    assert retention_for(None) is None


def test_the_tenant_local_jra_overrides_the_national_code(o: SimpleNamespace) -> None:
    code = ClassificationCode.objects.get(code="000.1.1")
    TenantClassificationCode.objects.create(
        tenant=o.tenant,
        code=code,
        retention_inactive_years=5,
        final_disposition="permanen",
    )
    ret = retention_for(code, tenant_overrides())
    assert ret is not None
    assert (ret.active_years, ret.inactive_years, ret.final) == (1, 5, "permanen")
    letter = old_letter(o, 2020)  # 1 + 5 years: final fate due 2027
    assert not due_letters(kind="pemusnahan", today=TODAY).filter(pk=letter.pk).exists()
    assert due_letters(kind="pemindahan", today=TODAY).filter(pk=letter.pk).exists()


def test_due_lists_per_kind(o: SimpleNamespace) -> None:
    transfer = old_letter(o, 2024)  # active until 1-1-2026, inactive until 1-1-2027
    destroy = old_letter(o, 2020)  # both periods over: musnah
    handover = old_letter(o, 2020, code="000.4.3.7")  # 1/1 permanen
    young = old_letter(o, 2026)
    no_code = old_letter(o, 2019)
    Letter.objects.filter(pk=no_code.pk).update(classification=None)

    def ids(kind: str) -> set[int]:
        return set(due_letters(kind=kind, today=TODAY).values_list("pk", flat=True))

    assert ids("pemindahan") == {transfer.pk}
    assert ids("pemusnahan") == {destroy.pk}
    assert ids("penyerahan") == {handover.pk}
    assert young.pk not in ids("pemindahan") | ids("pemusnahan")
    assert no_code.pk not in ids("pemusnahan")
    # On 1 January 2027 the transfer letter's inactive period is over too.
    assert transfer.pk in set(
        due_letters(kind="pemusnahan", today=dt.date(2027, 1, 1)).values_list(
            "pk", flat=True
        )
    )
