"""Desktop-app benchmarks (issue 4): start-up, search, memory, and history scrolling.

    .venv/bin/python bench/bench_ui.py [--quick]

Prints each figure with its target beside it. Runs offscreen. The 100,000-asset database
is built once with `python main.py --database bench/out/ui/demo50.sqlite demo --scale 50`
(git-ignored); the scale-1 demo is built in a temporary folder.

- start to window shown: a fresh process (interpreter start and imports included) that
  opens the database, builds the main window on the dashboard and waits until it is
  exposed; the parent measures from spawning it to the child's "shown" line.
- search keystroke to table updated: a key typed into the Devices search box (debounce
  included) until the model holds the new rows and the view has repainted.
- peak memory: the child's peak RSS after showing the window and opening every view.
- history scrolling: the History view over the whole ledger, driven down page after page
  until a million rows were read (and by random jumps), while a 1 ms heartbeat timer
  records the longest time the event loop could not run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "ui"
BIG = OUT / "demo50.sqlite"
PY = sys.executable


def ensure_big() -> Path:
    if not BIG.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"building {BIG} (100,000 assets; several minutes)…", flush=True)
        subprocess.run([PY, str(ROOT / "main.py"), "--database", str(BIG), "demo", "--scale",
                        "50"], check=True)
    # Bring it to the current schema now, so no start-up below pays for a migration.
    from inventory.storage import open_store

    open_store(str(BIG)).close()
    return BIG


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def ensure_small(folder: Path) -> Path:
    path = folder / "demo1.sqlite"
    if not path.exists():
        subprocess.run([PY, str(ROOT / "main.py"), "--database", str(path), "demo"],
                       check=True, stdout=subprocess.DEVNULL)
    return path


# -- child process: start the app, report when the window is shown ------------------------

def child_start(db_path: str, settings_path: str, visit: bool) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from inventory.operators import os_operator
    from inventory.storage import open_store
    from ui import style
    from ui.app import attach_scanners, build_window
    from ui.settings import Settings

    style.apply(app)
    settings = Settings.in_file(settings_path)
    db = open_store(db_path)
    window = build_window(db, db_path, os_operator(db), settings)
    attach_scanners(app, window, settings)
    window.resize(1440, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    app.processEvents()
    print("shown", flush=True)
    t0 = time.perf_counter()
    dash = window.pages["dashboard"]
    while dash.figures is None and time.perf_counter() - t0 < 120:
        app.processEvents()
        time.sleep(0.005)
    print(f"dashboard {time.perf_counter() - t0:.3f}", flush=True)
    if visit:
        for key in ("devices", "stock", "licenses", "locations", "people", "orders",
                    "history", "settings", "scan"):
            window.show_page(key)
            window.ctx.runner.wait_idle(60_000)
            app.processEvents()
        history = window.pages["history"]
        for _ in range(50):  # scroll a little: some history pages are in memory too
            history.model.fetchMore()
            window.ctx.runner.wait_idle(60_000)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"rss {rss_kib / 1024:.1f}", flush=True)
    window.close()


def start_figures(db: Path, runs: int, visit: bool) -> tuple[list[float], list[float], float]:
    """Seconds to window shown, seconds until the dashboard was filled, peak RSS MiB."""
    shown, dash, rss = [], [], 0.0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            proc = subprocess.Popen([PY, __file__, "--child-start", str(db),
                                     str(Path(tmp) / "s.ini")] + (["--visit"] if visit else []),
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    text=True, env=env)
            for line in proc.stdout:
                word, *rest = line.split()
                if word == "shown":
                    shown.append(time.perf_counter() - started)
                elif word == "dashboard":
                    dash.append(float(rest[0]))
                elif word == "rss":
                    rss = max(rss, float(rest[0]))
            proc.wait()
    return shown, dash, rss


# -- in-process figures --------------------------------------------------------------------

def context(db_path: Path):
    from inventory.operators import os_operator
    from inventory.storage import open_store
    from ui.events import ChangeBus
    from ui.settings import Settings
    from ui.tasks import TaskRunner
    from ui.views.base import AppContext

    db = open_store(str(db_path))
    tmp = tempfile.mkdtemp(prefix="bench-ui-")
    return AppContext(db, os_operator(db), ChangeBus(), Settings.in_file(f"{tmp}/s.ini"),
                      TaskRunner(db), str(db_path))


def search_figures(app, ctx) -> list[tuple[str, float, int, float]]:
    """(typed text, ms from the last key to the table updated, rows, ms until the whole
    id list was in) per search."""
    from PySide6.QtTest import QTest

    from ui.views.devices import DevicesPage

    page = DevicesPage(ctx)
    page.resize(1300, 800)
    page.show()
    QTest.qWaitForWindowExposed(page)
    page.set_filter_value("status", None)  # all 100,000 devices
    ctx.runner.wait_idle(60_000)
    stamps: list[float] = []
    page.model.modelReset.connect(lambda: stamps.append(time.perf_counter()))
    complete: list[float] = []
    page.model.completed.connect(lambda: complete.append(time.perf_counter()))
    results = []
    for text in ("lat", "IT-0123", "smith", "garcia lat", "hq", "E10042", "dell 5540",
                 "monitor", "x", "a"):
        page.search.clear()
        page.search.flush()
        ctx.runner.wait_idle(60_000)
        for ch in text[:-1]:
            QTest.keyClick(page.search, ch)
        app.processEvents()
        seen = len(stamps)
        started = time.perf_counter()
        QTest.keyClick(page.search, text[-1])
        while time.perf_counter() - started < 5 and (
                len(stamps) == seen or page.model.spec().search != text):
            app.processEvents()
        page.table.viewport().repaint()  # the rows drawn with their data
        ended = time.perf_counter()
        ctx.runner.wait_idle(60_000)  # the rest of a long list, from the worker
        full = (complete[-1] - started) * 1000 if complete else float("nan")
        results.append((text, (ended - started) * 1000, page.model.rowCount(), full))
    page.close()
    return results


def scroll_figures(app, ctx, target_rows: int, jumps: int) -> dict:
    """Drive the History view down until `target_rows` were read, then jump around."""
    import random

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtTest import QTest

    from ui.views.history import HistoryPage

    page = HistoryPage(ctx)
    page.resize(1300, 800)
    page.show()
    QTest.qWaitForWindowExposed(page)
    ctx.runner.wait_idle(60_000)
    bar = page.table.verticalScrollBar()
    clock = QElapsedTimer()
    clock.start()
    gaps: list[int] = []
    last = [clock.elapsed()]

    def beat() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(1)
    heartbeat.timeout.connect(beat)
    steps = [0]

    def scroll() -> None:
        steps[0] += 1
        # A fast flick of the wheel: ten screens at a time; at the end the view asks for
        # the next page of the ledger.
        bar.setValue(bar.value() + 10 * bar.pageStep())

    driver = QTimer()
    driver.setInterval(2)
    driver.timeout.connect(scroll)
    rng = random.Random(4)
    pauses: list[float] = []  # garbage-collector pauses, to tell them from other stalls

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            on_gc.t = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - on_gc.t) * 1000)

    import gc

    gc.callbacks.append(on_gc)
    started = time.perf_counter()
    heartbeat.start()
    driver.start()
    while page.model.rowCount() < target_rows and time.perf_counter() - started < 900:
        app.processEvents()
        if bar.value() >= bar.maximum() - bar.pageStep() and not page.model.is_loading():
            bar.setValue(bar.maximum())
    driver.stop()
    down_s = time.perf_counter() - started
    down_gaps = list(gaps)
    gaps.clear()
    last[0] = clock.elapsed()
    jump_ms = []
    for _ in range(jumps):  # drag the thumb anywhere: rows not cached are read by id
        t = time.perf_counter()
        bar.setValue(rng.randrange(bar.maximum() or 1))
        page.table.viewport().repaint()
        jump_ms.append((time.perf_counter() - t) * 1000)
        app.processEvents()
    heartbeat.stop()
    gc.callbacks.remove(on_gc)
    figures = {
        "max_gc_ms": max(pauses) if pauses else 0,
        "rows": page.model.rowCount(), "seconds": down_s, "steps": steps[0],
        "max_stall_ms": max(down_gaps) if down_gaps else 0,
        "p99_stall_ms": statistics.quantiles(down_gaps, n=100)[98] if len(down_gaps) > 100
        else 0, "max_jump_ms": max(jump_ms) if jump_ms else 0,
        "median_page_ms": page.model.last_load_ms,
    }
    page.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description="Desktop-app benchmarks (issue 4)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, 200,000 history rows")
    parser.add_argument("--only", choices=("start", "search", "scroll"),
                        help="run one group of figures")
    parser.add_argument("--child-start", nargs=2, metavar=("DB", "SETTINGS"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--visit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child_start:
        child_start(*args.child_start, args.visit)
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    big = ensure_big()
    runs = 2 if args.quick else 5
    wanted = {args.only} if args.only else {"start", "search", "scroll"}
    if "start" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            small = ensure_small(Path(tmp))
            print(f"  ({load()})")
            shown, dash, _ = start_figures(small, runs, visit=False)
            print(f"start to window shown, demo database (2,000 assets): median "
                  f"{statistics.median(shown):.2f} s, worst {max(shown):.2f} s  "
                  f"(target ≤ 1.5 s); dashboard filled {statistics.median(dash):.2f} s later",
                  flush=True)
    # A copy, so the benchmark never writes to the shared file.
    work = OUT / "bench-copy.sqlite"
    shutil.copy(big, work)
    try:
        if "start" in wanted:
            shown, dash, _ = start_figures(work, runs, visit=False)
            print(f"start to window shown, 100,000 assets: median "
                  f"{statistics.median(shown):.2f} s, worst {max(shown):.2f} s  "
                  f"(target ≤ 2.5 s); dashboard filled {statistics.median(dash):.2f} s later",
                  flush=True)
            _, _, rss = start_figures(work, 1, visit=True)
            print(f"peak memory, 100,000 assets, every view opened: {rss:.0f} MiB  "
                  f"(target ≤ 400 MB)", flush=True)

        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])
        from ui import style

        style.apply(app)
        ctx = context(work)
        try:
            if "search" in wanted:
                search_report(app, ctx)
            if "scroll" in wanted:
                scroll_report(app, ctx, 200_000 if args.quick else 1_000_000)
        finally:
            ctx.runner.shutdown()
            ctx.db.close()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
    return 0


def search_report(app, ctx) -> None:
    print(f"  ({load()})")
    found = search_figures(app, ctx)
    times = [ms for _, ms, _, _ in found]
    for text, ms, rows, full in found:
        print(f"  search {text!r:14} {ms:6.1f} ms  {rows:>7,} rows "
              f"(whole list in after {full:.0f} ms)")
    print(f"search keystroke to table updated, 100,000 devices: median "
          f"{statistics.median(times):.0f} ms, worst {max(times):.0f} ms  "
          f"(target ≤ 100 ms; includes the 25 ms typing pause)  [{load()}]", flush=True)


def scroll_report(app, ctx, target: int) -> None:
    print(f"  ({load()})")
    s = scroll_figures(app, ctx, target, jumps=200)
    print(f"history scrolling: {s['rows']:,} rows read in {s['seconds']:.1f} s "
          f"({s['steps']:,} scroll steps of 10 screens); longest event-loop stall "
          f"{s['max_stall_ms']:.0f} ms, p99 {s['p99_stall_ms']:.0f} ms; random jumps: "
          f"worst {s['max_jump_ms']:.0f} ms  (target: never > 50 ms); longest GC pause "
          f"{s['max_gc_ms']:.0f} ms  [{load()}]", flush=True)


if __name__ == "__main__":
    sys.exit(main())
