"""OCR benchmark: a generated 10-page scan registered as an incoming letter, until its
text is stored (searchable), with Tesseract's threads limited and not.

    python -m bench.bench_ocr [--pages 10] [--runs 1] [--no-compare]

Registers the scan through ``letter_register`` (as the TU's form does; the reading is
queued in that transaction) and runs the queued reading in this process exactly as
the ``ocr`` queue's worker runs it (``ocr.processing.file_text_read``: copy out,
OCRmyPDF with ``ind``, ``--skip-text``, ``--optimize 0``, PDF/A, ``-j`` = cores, the
PDF/A stored beside the original, the text stored). A worker adds at most its poll
interval (``db_worker --interval``, 1 s by default) before it starts. Each run is
rolled back and its files are written to a temporary media folder, so the measured
database is left as it was. Prints a table: the number of cores, seconds from
registration to stored text, pages per minute, and whether the 60 s target is met;
by default with ``OMP_THREAD_LIMIT=1`` (what Warkat uses), unset (OCRmyPDF then picks
a limit from ``-j`` and the page count) and 4 (Tesseract's own OpenMP threads on
every page process, to show why it is limited).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Any

TARGET_SECONDS = 60.0
#: A word that only the scan holds: found in the stored text, the run counts.
WORD = "Skofro"


@dataclass(frozen=True)
class Run:
    mode: str
    pages: int
    register_s: float
    read_s: float
    found: bool

    @property
    def total_s(self) -> float:
        return self.register_s + self.read_s

    def row(self) -> list[str]:
        per_minute = self.pages / self.read_s * 60 if self.read_s else 0.0
        ok = self.found and self.total_s <= TARGET_SECONDS
        return [
            self.mode,
            str(os.cpu_count()),
            str(self.pages),
            f"{self.register_s:.2f}",
            f"{self.read_s:.1f}",
            f"{self.total_s:.1f}",
            f"{per_minute:.1f}",
            "ok" if ok else ("NOT FOUND" if not self.found else "OVER"),
        ]


class _Rollback(Exception):
    pass


def _scan(pages: int) -> bytes:
    from warkat.ocr.samples import letter_lines, scan_pdf

    return scan_pdf([letter_lines(page=i + 1, word=WORD) for i in range(pages)])


def run_once(*, data: bytes, pages: int, thread_limit: str | None, mode: str) -> Run:
    """Register the scan and read it, inside a transaction that is rolled back."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from bench.generate import Shape, tenant_generate
    from bench.letters import _admin, _bupati
    from bench.scenario import Dataset
    from warkat.archive.models import ClassificationCode
    from warkat.letters.services.delivery import receiving_unit
    from warkat.letters.services.registration import letter_register
    from warkat.ocr.models import FileText
    from warkat.ocr.processing import file_text_read
    from warkat.tenancy.scope import tenant_scope

    ds = Dataset("ocr", tenant_generate(shape=Shape(people=50)))
    result: dict[str, Any] = {}
    try:
        with tenant_scope(ds.tenant), transaction.atomic():
            _user, position = _bupati(ds)
            started = time.perf_counter()
            letter = letter_register(
                actor=_admin(ds),
                unit=receiving_unit(position),
                addressed_position=position,
                subject="Bench OCR: laporan panen kakao",
                classification=ClassificationCode.objects.get(code="000.1.1"),
                number=f"BENCH/OCR/{time.time_ns()}",
                letter_date=None,
                sender_institution="Bench",
                files=[SimpleUploadedFile("pindaian.pdf", data)],
                confirm_duplicate=True,
            )
            registered = time.perf_counter()
            row = FileText.objects.get(letter=letter)
            outcome = file_text_read(file_text_id=row.pk, thread_limit=thread_limit)
            done = time.perf_counter()
            row.refresh_from_db()
            result = {
                "register_s": registered - started,
                "read_s": done - registered,
                "found": outcome.state == "done"
                and row.pages == pages
                and WORD in row.text,
            }
            raise _Rollback
    except _Rollback:
        pass
    return Run(mode=mode, pages=pages, **result)


def table(runs: list[Run]) -> str:
    headers = [
        "tesseract threads",
        "cores",
        "pages",
        "register s",
        "OCR s",
        "total s",
        "pages/min",
        f"≤ {TARGET_SECONDS:.0f} s",
    ]
    body = [r.row() for r in runs]
    widths = [max(len(x) for x in col) for col in zip(headers, *body, strict=True)]
    lines = [
        "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in body
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Run]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help="only OMP_THREAD_LIMIT=1, not also unset and 4",
    )
    args = parser.parse_args(argv)
    media = tempfile.TemporaryDirectory(prefix="warkat-bench-ocr-")
    os.environ["WARKAT_MEDIA_ROOT"] = media.name
    from bench import bootstrap

    bootstrap()
    data = _scan(args.pages)
    modes: list[tuple[str, str | None]] = [("OMP_THREAD_LIMIT=1", "1")]
    if not args.no_compare:
        # Unset, OCRmyPDF picks a limit itself (jobs // pages, 1 to 3); 4 is what a
        # standalone Tesseract's OpenMP takes on a small machine.
        modes += [("unset (OCRmyPDF's)", None), ("OMP_THREAD_LIMIT=4", "4")]
    runs = [
        run_once(data=data, pages=args.pages, thread_limit=limit, mode=mode)
        for _i in range(args.runs)
        for mode, limit in modes
    ]
    print(
        f"A {args.pages}-page generated scan ({len(data) // 1024} KiB) registered "
        f"until its text is stored; -j = min(cores, pages)"
    )
    print(table(runs))
    media.cleanup()
    return runs


if __name__ == "__main__":
    main()
