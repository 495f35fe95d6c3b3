"""Proof that an organisation service's refusal wrote nothing, for the service tests."""

from __future__ import annotations

from typing import Any

import pytest

from warkat.audit.models import AuditEvent
from warkat.core.errors import DomainError
from warkat.org.models import Assignment, Person, Position, Unit


def snapshot() -> tuple:
    """Everything the organisation services write, to prove a refusal wrote nothing."""
    return (
        sorted(Unit.objects.values_list("pk", "parent_id", "path", "depth", "code", "name", "is_active")),
        sorted(Position.objects.values_list("pk", "unit_id", "code", "superior_id", "is_head", "is_active")),
        sorted(Person.objects.values_list("pk", "nip", "full_name", "employee_type", "rank")),
        sorted(Assignment.objects.values_list("pk", "position_id", "person_id", "kind", "start_date", "end_date")),
        AuditEvent.objects.count(),
    )  # fmt: skip


def refused(
    exc_type: type[DomainError], call: Any, *args: Any, **kwargs: Any
) -> DomainError:
    """``call`` raises ``exc_type``, with its text in both languages, and changes
    nothing."""
    before = snapshot()
    with pytest.raises(exc_type) as exc:
        call(*args, **kwargs)
    assert snapshot() == before
    assert exc.value.text("id") and exc.value.text("en")
    return exc.value
