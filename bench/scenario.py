"""The types every benchmark scenario module and the runner share: a dataset (a
generated tenant with signed-in clients) and a scenario (how to make the request to
time on it). Kept apart from the runner so that the scenario modules, which the
runner imports, never import the runner back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from warkat.tenancy.models import Tenant


@dataclass
class Dataset:
    """A generated tenant plus signed-in clients for its benchmark users."""

    label: str
    tenant: Tenant
    clients: dict[str, Client] = field(default_factory=dict)
    # Objects a scenario needs (a letter with a big tree, a position to dispose to…),
    # prepared once per dataset by the scenario's ``prepare``.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    group: str
    # Returns the request to time: a zero-argument callable giving a response.
    request: Callable[[Dataset], Callable[[], Any]]
    expect_status: int = 200
