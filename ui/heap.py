"""Keep the garbage collector's full passes short: they stop every thread, the window too.

CPython's cyclic collector, in a full pass, walks every object it tracks while holding
the GIL. With Qt, numpy, babel and peewee loaded, the window starts with about 100,000
of them (modules, functions, classes, the pages' widgets), and a full pass over them
took 70-100 ms on the shared test machine. It runs on whichever thread happens to
allocate, usually the database worker, and the window cannot paint or take a key
meanwhile: it was the longest freeze left at a 100,000-asset counter.

What the window starts with lives as long as the window. Once its first page is filled
(the worker idle for the first time), that heap is collected once and moved out of the
collector's sight (`gc.freeze`). What is made afterwards (pages opened later, rows read,
reorder lines) is collected as before. A window built later in the same process (tests,
benchmarks) unfreezes and collects everything first, so nothing from an earlier window
stays frozen after it is gone. What the window would load later anyway is loaded just
before (the scan path: biip reads its GS1 prefix tables, 7,000 objects and ~90 ms, when
imported), so the first scan does not wait for it and the collector never walks it.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer

from .tasks import TaskRunner

log = logging.getLogger(__name__)


# A full pass once per this many passes over the middle generation (CPython's default is
# 10; it also waits until a quarter of the heap is new). With the start-up heap set aside
# the heap is small, and at 100,000 assets the worker's reads met the default 28 times in
# the benchmark's session, 10-28 ms each; at 100, 4 times. Cyclic garbage waits longer.
FULL_PASS_AFTER = 100


def settle() -> None:
    """Collect everything once, then keep what survives out of later full passes."""
    started = time.perf_counter()
    gc.unfreeze()  # an earlier window's heap: collected now if it is garbage
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_PASS_AFTER)
    log.debug("heap settled: %d objects frozen in %.0f ms", gc.get_freeze_count(),
              (time.perf_counter() - started) * 1000)


def settle_when_idle(runner: TaskRunner, warm_up: Callable[[], object] | None = None) -> None:
    """`settle()` once, the first time `runner` has nothing left to do; `warm_up()` first
    (what the window would otherwise load later, e.g. at the first scan)."""

    def now() -> None:
        if warm_up is not None:
            warm_up()
        settle()

    def on_busy(busy: bool) -> None:
        if busy:
            return
        runner.busy_changed.disconnect(on_busy)
        now()

    if runner.is_busy():
        runner.busy_changed.connect(on_busy)
    else:  # nothing to read (a new, empty database): once the window is up
        QTimer.singleShot(0, now)
