"""Rendering benchmark: a typical two-page surat dinas to PDF/A-3b with WeasyPrint.

    python -m bench.bench_render [--runs 15]

Renders through ``signing.render.render_for_signing`` (the restricted fetcher,
page numbers from CSS, the signature box lookup) after one warm-up render, and
prints the median and p95 per document and the median ms per page against the
200 ms budget.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

BUDGET_MS_PER_PAGE = 200.0

SURAT = """<!doctype html><html><head><style>
@page { size: A4; margin: 2cm 2cm 2.5cm 2.5cm;
  @bottom-center { content: "Halaman " counter(page) " dari " counter(pages); font-size: 8pt; }
  @bottom-left { content: "Dokumen ini telah ditandatangani secara elektronik."; font-size: 7pt; } }
body { font-family: "DejaVu Serif"; font-size: 11.5pt; line-height: 1.45; }
.kop { text-align: center; border-bottom: 3px double #000; padding-bottom: 6pt; margin-bottom: 12pt; }
.kop h1 { font-size: 14pt; margin: 0; } .kop h2 { font-size: 16pt; margin: 0; }
table.meta td { padding: 0 6pt 0 0; vertical-align: top; }
#ttd { width: 8cm; height: 3.2cm; margin-left: 8cm; }
</style></head><body>
<div class="kop"><h1>PEMERINTAH KABUPATEN KEEROM</h1><h2>DINAS KOMUNIKASI DAN INFORMATIKA</h2>
<p>Jalan Trans Papua, Arso, Keerom 99468 · diskominfo@keeromkab.go.id</p></div>
<table class="meta"><tr><td>Nomor</td><td>: 000.1.2/123/DISKOMINFO/2026</td></tr>
<tr><td>Sifat</td><td>: Biasa</td></tr><tr><td>Lampiran</td><td>: 1 (satu) berkas</td></tr>
<tr><td>Hal</td><td>: Undangan Rapat Koordinasi Pelaksanaan TTE</td></tr></table>
<p>Yth. Kepala Perangkat Daerah<br>di lingkungan Pemerintah Kabupaten Keerom</p>
%s
<p>Demikian kami sampaikan, atas perhatian dan kehadirannya diucapkan terima kasih.</p>
<div id="ttd"></div>
<p>Tembusan:<br>1. Bupati Keerom (sebagai laporan);<br>2. Sekretaris Daerah Kabupaten Keerom.</p>
</body></html>"""

PARAGRAPH = (
    "<p>Dalam rangka pelaksanaan Peraturan Menteri Dalam Negeri Nomor 1 Tahun 2023 "
    "tentang Tata Naskah Dinas di Lingkungan Pemerintah Daerah dan penerapan tanda "
    "tangan elektronik tersertifikasi, bersama ini kami mengundang Bapak/Ibu untuk "
    "hadir pada rapat koordinasi yang akan dilaksanakan pada hari dan tanggal yang "
    "ditentukan, bertempat di ruang rapat Dinas Komunikasi dan Informatika.</p>"
)


def measure(runs: int = 15) -> tuple[int, float, float]:
    """(pages, median ms per document, p95 ms per document)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    import django

    django.setup()
    from warkat.signing.render import render_for_signing

    html = SURAT % (PARAGRAPH * 6)
    first = render_for_signing(html=html)
    times = []
    for _i in range(runs):
        start = time.perf_counter()
        render_for_signing(html=html)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return first.pages, statistics.median(times), p95


def main(argv: list[str] | None = None) -> tuple[int, float, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    if args.runs < 15:
        parser.error("use at least 15 runs")
    pages, median, p95 = measure(args.runs)
    per_page = median / pages
    print(f"Rendering a surat dinas to PDF/A-3b, {args.runs} runs")
    print(f"{'pages':>5} {'median ms':>10} {'p95 ms':>8} {'ms/page':>8} {'budget':>7}")
    verdict = "ok" if per_page <= BUDGET_MS_PER_PAGE else "OVER"
    print(f"{pages:>5} {median:>10.1f} {p95:>8.1f} {per_page:>8.1f} {verdict:>7}")
    return pages, median, p95


if __name__ == "__main__":
    main()
