"""Enqueue the periodic jobs: once, or in a loop (a small scheduler for installations
without cron). Jobs: disposition reminders/escalations, orphan file sweeps (letter
files, signed PDFs), and the recovery of work a dying process left half-way (lost
deliveries, page pictures and file texts, numbers of signings that never finished)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task

from warkat.archive.tasks import disposal_sweep
from warkat.attendance.tasks import discipline_run, selfies_purge_run
from warkat.core.tasks import heartbeats_enqueue
from warkat.dashboard.tasks import dashboard_refresh_run, datarequest_deadlines_run
from warkat.dispositions.tasks import deadlines_run, orphan_files_run
from warkat.drafting.tasks import recovery_run
from warkat.intake.tasks import mailin_run
from warkat.letters.tasks import pages_sweep_run
from warkat.ocr.tasks import file_texts_sweep_run
from warkat.signing.tasks import signed_orphans_run
from warkat.sso.tasks import sso_cleanup_run
from warkat.webhooks.tasks import webhooks_sweep_run

#: (name, seconds between runs, task)
JOBS: list[tuple[str, int, Task]] = [
    ("deadlines", 3600, deadlines_run),
    ("orphan_files", 6 * 3600, orphan_files_run),
    ("signed_orphans", 6 * 3600, signed_orphans_run),
    # Lost deliveries and page pictures, numbers of signings that never finished.
    ("recovery", 300, recovery_run),
    ("page_pictures", 600, pages_sweep_run),
    # Text of files: due retries, lost readings, runs a dead worker left running.
    ("file_texts", 60, file_texts_sweep_run),
    ("dashboard", 600, dashboard_refresh_run),
    # Data requests of the command centre due soon (reminder) or overdue (escalation).
    ("data_requests", 3600, datarequest_deadlines_run),
    ("attendance_discipline", 24 * 3600, discipline_run),
    # Destructions and handovers a dead worker left half-way.
    ("archive_disposal", 3600, disposal_sweep),
    # Check-in selfies past the tenant's retention: file deleted, purge recorded.
    ("attendance_selfies", 6 * 3600, selfies_purge_run),
    # Expired SSO codes and tokens, records of exchanged codes past their use.
    ("sso_cleanup", 24 * 3600, sso_cleanup_run),
    # Webhook deliveries due whose drain was lost or never scheduled.
    ("webhooks", 60, webhooks_sweep_run),
    # New messages of the units' mailboxes (mail-in).
    ("mailin", 300, mailin_run),
]


class Command(BaseCommand):
    help = "Enqueue periodic jobs (reminders, escalations, file sweeps, recovery)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="keep running, each job on its interval"
        )
        parser.add_argument(
            "--tick", type=int, default=60, help="seconds between checks in --loop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        last: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, every, job in JOBS:
                if name not in last or now - last[name] >= every:
                    result = job.enqueue()
                    last[name] = now
                    self.stdout.write(f"{name}: {result.status}")
            # Every run: a heartbeat task per queue, so /readyz sees idle workers.
            heartbeats_enqueue()
            if not options["loop"]:
                return
            time.sleep(options["tick"])
