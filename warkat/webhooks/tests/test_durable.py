"""No event is lost: with the database task backend the outbox rows and the drain
task commit or roll back with the domain change; a lost task is re-queued by the
periodic sweep; a second drain never sends a claimed delivery twice."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from warkat.letters.tests.factories import register
from warkat.webhooks.models import Delivery, DeliveryState, Message
from warkat.webhooks.sender import _claim, endpoint_drain
from warkat.webhooks.tasks import webhooks_sweep_run

pytestmark = pytest.mark.django_db

DRAIN = "warkat.webhooks.tasks.deliver_endpoint"


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": settings.TASKS["default"]["QUEUES"],
        }
    }


def test_the_task_commits_with_the_letter(
    o: SimpleNamespace, hook: SimpleNamespace, database_tasks: None
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        register(o)
        assert DBTaskResult.objects.filter(task_path=DRAIN).count() == 1
        raise RuntimeError
    assert not DBTaskResult.objects.filter(task_path=DRAIN).exists()
    assert not Message.objects.exists()
    register(o)
    # Committed together: the delivery and the task that sends it, in the same
    # transaction as the letter (nothing waits for an on-commit hook).
    assert DBTaskResult.objects.filter(task_path=DRAIN).count() == 1
    assert Delivery.objects.get().state == DeliveryState.PENDING
    # A burst adds no second task while one waits.
    register(o)
    assert DBTaskResult.objects.filter(task_path=DRAIN).count() == 1
    assert Delivery.objects.count() == 2


def test_the_sweep_requeues_what_a_dead_process_left(
    o: SimpleNamespace, hook: SimpleNamespace, database_tasks: None
) -> None:
    register(o)
    DBTaskResult.objects.all().delete()  # the task row lost with a dead worker
    assert webhooks_sweep_run.call() == 1
    assert DBTaskResult.objects.filter(task_path=DRAIN).count() == 1
    # Already waiting: not queued twice.
    assert webhooks_sweep_run.call() == 0


def test_a_claimed_delivery_is_not_sent_by_a_second_drain(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    database_tasks: None,
    frozen: Any,
) -> None:
    register(o)
    claimed = _claim(hook.endpoint)
    assert len(claimed) == 1
    # Another worker drains meanwhile: the lease hides the delivery.
    assert endpoint_drain(endpoint_id=hook.endpoint.pk).delivered == 0
    assert hook.receiver.received == []
    # The first worker died: after the lease the delivery is due again.
    frozen.shift(dt.timedelta(minutes=10))
    assert endpoint_drain(endpoint_id=hook.endpoint.pk).delivered == 1
    assert len(hook.receiver.received) == 1
