"""The demo letters load through the real services and load only once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from warkat.demo.letters import demo_letters_load
from warkat.dispositions.models import Disposition
from warkat.letters.models import Letter

pytestmark = pytest.mark.django_db


def test_demo_letters_load_is_idempotent(o: SimpleNamespace) -> None:
    people = {
        "tu": o.users.tu, "pimpinan": o.users.kadis, "bawahan_1": o.users.kabid_a,
        "bawahan_2": o.users.kabid_b, "staf": o.users.staf_a,
    }  # fmt: skip
    first = demo_letters_load(tenant=o.tenant, people=people)
    assert len(first) == 7
    statuses = set(Letter.objects.values_list("status", flat=True))
    assert {"new", "disposed", "followed_up", "done"} <= statuses
    assert Letter.objects.filter(security="rahasia").count() == 1
    assert Disposition.objects.filter(state="declined").exists()
    assert demo_letters_load(tenant=o.tenant, people=people) == []
    assert Letter.objects.count() == 7
