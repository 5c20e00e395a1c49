"""Live updates: a change committed at desk B → desk A's window has it, p50 / p95.

    flock /work/coord/bench.lock .venv/bin/python bench/bench_live.py [--rounds 40]

Desk B is a separate process (tests/desk_b.py) checking an asset out and in through the
operations layer; it reports the moment each write committed. Desk A is this process: the
main window (offscreen) with live updates on, the Devices page shown. Measured per change:
B's commit → the change notice on A's UI thread, and → the Devices page read again (what
the user sees). PostgreSQL (NOTIFY/LISTEN, a durable server started for the run) and a
SQLite file shared by the two processes (data_version, asked every 200 ms). Baseline in the
same run: a raw psycopg2 NOTIFY → LISTEN between two connections.
Targets: p95 <= 1 s (SQLite), <= 250 ms (PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.team_demo import demo_on_postgres  # noqa: E402
from inventory import models as m  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.storage import open_store  # noqa: E402
from ui.events import ChangeBus  # noqa: E402
from ui.live import LiveUpdates  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.settings import Settings  # noqa: E402
from ui.tasks import TaskRunner  # noqa: E402
from ui.views.base import AppContext  # noqa: E402

PASSWORD = "bench-pass-123"


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def pick(url: str) -> tuple[str, str]:
    db = open_store(url)
    try:
        tag = m.Asset.select(m.Asset.tag).where(m.Asset.status == "in_stock").first().tag
        person = m.Person.select(m.Person.employee_id).where(m.Person.active).first()
        return tag, person.employee_id
    finally:
        db.close()


def measure(app: QApplication, url: str, user: str | None, rounds: int,
            work: Path) -> tuple[list[float], list[float]]:
    db = open_store(url)
    op = os_operator(db) if user is None else None
    if op is None:
        from inventory.operators import current_operator

        op = current_operator(db, user, PASSWORD)
    runner = TaskRunner(db)
    ctx = AppContext(db, op, ChangeBus(), Settings.in_file(str(work / "s.ini")), runner, url)
    arrived: list[float] = []
    ctx.bus.changed.connect(lambda _c: arrived.append(time.time()))
    window = MainWindow(ctx)
    window.resize(1440, 900)
    live = LiveUpdates(db, url, ctx.bus, window)
    window.attach_live(live)
    live.start()
    window.show()
    window.show_page("devices")
    runner.wait_idle(30_000)
    assert live.wait_connected()
    tag, person = pick(url)
    args = [sys.executable, "-m", "tests.desk_b", url] + ([user, PASSWORD] if user else [])
    b = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    assert b.stdout is not None and b.stdin is not None
    assert b.stdout.readline().strip() == "READY"
    notice, shown = [], []
    t_end = time.monotonic() + 2.0
    while time.monotonic() < t_end:
        app.processEvents()
    try:
        for i in range(rounds):
            arrived.clear()
            line = f"checkout {tag} {person}" if i % 2 == 0 else f"checkin {tag}"
            b.stdin.write(line + "\n")
            b.stdin.flush()
            # keep the window's event loop turning while desk B writes
            while not select.select([b.stdout], [], [], 0.001)[0]:
                app.processEvents()
            answer = b.stdout.readline().split()
            assert answer[0] == "OK", answer
            committed = float(answer[1])
            deadline = time.monotonic() + 5
            while not arrived and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.0005)
            if not arrived:
                raise SystemExit(f"round {i}: desk A never heard of desk B's change")
            notice.append(max(0.0, arrived[0] - committed))
            runner.wait_idle(10_000)  # the page's read after the notice
            app.processEvents()
            shown.append(max(0.0, time.time() - committed))
            time.sleep(0.05)
    finally:
        b.stdin.write("quit\n")
        b.stdin.close()
        b.wait(10)
        b.stdout.close()
        window.close()
        db.close()
    return notice, shown


def raw_notify(url: str, rounds: int) -> list[float]:
    import psycopg2

    listen = psycopg2.connect(url)
    listen.autocommit = True
    talk = psycopg2.connect(url)
    with listen.cursor() as cur:
        cur.execute("LISTEN bench")
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        with talk.cursor() as cur:
            cur.execute("SELECT pg_notify('bench', 'x')")
        talk.commit()
        while True:
            select.select([listen], [], [], 5)
            listen.poll()
            if listen.notifies:
                listen.notifies.clear()
                break
        out.append(time.perf_counter() - t)
    listen.close()
    talk.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--demo", type=Path,
                        help="a demo database built beforehand (copied; default: build one)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with demo_on_postgres("stockroom-live-", args.demo, "live", PASSWORD) as team:
        work, demo, pg_url = team.work, team.demo, team.url
        print(f"load average before: {os.getloadavg()}")
        base = raw_notify(pg_url, args.rounds)
        print(f"baseline raw NOTIFY -> LISTEN (psycopg2): p50 {pct(base, 50) * 1000:.1f} ms, "
              f"p95 {pct(base, 95) * 1000:.1f} ms")
        for name, url, user, target in (("PostgreSQL", pg_url, team.admin, 0.250),
                                        ("SQLite shared file", str(demo), None, 1.0)):
            notice, shown = measure(app, url, user, args.rounds, work)
            p95 = pct(shown, 95)
            print(f"{name}: B commit -> A notice p50 {pct(notice, 50) * 1000:.0f} ms, p95 "
                  f"{pct(notice, 95) * 1000:.0f} ms; -> A's page read again p50 "
                  f"{pct(shown, 50) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms   target p95 <= "
                  f"{target * 1000:.0f} ms   {'OK' if p95 <= target else 'MISSED'}"
                  + (f"   (p95 / raw NOTIFY p95: {p95 / pct(base, 95):.1f}x)"
                     if user else ""))
        print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
