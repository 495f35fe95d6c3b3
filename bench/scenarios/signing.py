"""Signing and rendering (issue 4): the signing app's own benchmarks, run in turn."""

from __future__ import annotations


def run() -> None:
    from bench import bench_render, bench_signing

    print("\nSigning (issue 4)")
    bench_signing.main([])
    print("\nRendering (issue 4)")
    bench_render.main([])
