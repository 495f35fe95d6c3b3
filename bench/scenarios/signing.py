"""Signing, rendering and numbering (issue 4): the drafting and signing apps' own
benchmarks, run in turn."""

from __future__ import annotations


def run() -> None:
    from django.db import connection

    from bench import bench_numbering, bench_render, bench_signing

    print("\nSigning (issue 4)")
    bench_signing.main([])
    print("\nRendering (issue 4)")
    bench_render.main([])
    if connection.vendor == "postgresql":
        print("\nNumbering: concurrent signers on one counter (issue 4)")
        bench_numbering.main([])
