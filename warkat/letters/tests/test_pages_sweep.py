"""The sweep that queues page pictures whose drawing was lost (``tasks.pages_sweep``):
a process that died between the commit and a non-transactional enqueue."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from warkat.letters.models import LetterFilePage
from warkat.letters.tasks import pages_sweep
from warkat.letters.tests.factories import register
from warkat.letters.tests.test_pages import upload

pytestmark = pytest.mark.django_db


def pictures() -> int:
    return LetterFilePage.objects.count()


def test_a_lost_drawing_is_queued_once_old_enough(
    o: SimpleNamespace, frozen: Any
) -> None:
    # Outside ``django_capture_on_commit_callbacks`` the on-commit enqueue of the
    # immediate backend never runs: the drawing is lost as in a crash.
    register(o, files=[upload(2)])
    assert pages_sweep(tenant_id=o.tenant.pk) == 0  # too new to call it lost
    assert pictures() == 0
    frozen.shift(11 * 60)
    assert pages_sweep(tenant_id=o.tenant.pk) == 1  # queued, drawn right away here
    assert pictures() == 2
    assert pages_sweep(tenant_id=o.tenant.pk) == 0


def test_old_files_are_left_alone(o: SimpleNamespace, frozen: Any) -> None:
    register(o, files=[upload(1)])
    frozen.shift(2 * 3600)  # past the horizon: a failed drawing is not retried forever
    assert pages_sweep(tenant_id=o.tenant.pk) == 0
    assert pictures() == 0


def test_with_the_database_queue_a_queued_drawing_is_not_queued_again(
    o: SimpleNamespace, frozen: Any, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": settings.TASKS["default"]["QUEUES"],
        }
    }
    letter = register(o, files=[upload(1)])
    # Queued inside the registering transaction, not on commit.
    rows = DBTaskResult.objects.filter(
        task_path="warkat.letters.tasks.letter_pages_render"
    )
    assert [r.args_kwargs["kwargs"]["letter_id"] for r in rows] == [letter.pk]
    frozen.shift(11 * 60)
    assert pages_sweep(tenant_id=o.tenant.pk) == 0
    assert rows.count() == 1
