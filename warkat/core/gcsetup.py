"""The garbage collector of a long-lived Warkat process (an app server's worker, a
task worker), set once the process has loaded what it keeps until it exits (the
app server's WSGI module loads every view first; a task worker needs none).

* Everything loaded so far (modules, settings, URL patterns, models) is moved out
  of the collector's reach (``gc.freeze``).
  Otherwise each full collection walks all of it again: 100-200 ms of CPU inside
  whatever request or task happens to set it off (the attendance board of 5,000
  people set one off every other answer; a batch of 50 letters to sign about one
  batch in three, 0.35 s of its 2.5 s: ``bench/README.md``).
* The youngest generation is collected every 10,000 allocations instead of 700: a
  request's objects mostly die with it before a collection would look at them,
  and the older generations' collections (every 10 younger ones) come 14 times
  less often. The board of 5,000 people set off some 30 young collections, 3 of the
  middle generation and a full one every four answers (12 ms of CPU per answer on
  average); with this, about one young collection.

The benches that time a service in their own process (``bench.bench_batch``) call
it as the servers do, so they measure the collector production runs.
"""

from __future__ import annotations

import gc


def process_gc_setup() -> None:
    gc.collect()  # start-up's garbage is not kept for ever
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
