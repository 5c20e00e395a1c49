"""Benchmark: showback for one month and the kpi set on the 100,000-asset data set.

    .venv/bin/python bench/bench_showback.py --database COPY.sqlite [--month 2026-11]
        [--today 2026-12-01] [--rounds 3] [--postgres]

COPY is a copy of `python main.py demo --scale 50 --today 2026-12-01` (100,000 assets,
~1.65 M movements);
it is migrated to the current schema on first open (the cost model's tables and the
device-state projection, filled from the ledger). Times, in the same run:

- the baseline: one plain pass over the ledger (`SELECT COUNT(*), SUM(quantity) FROM
  movement`), so the figures can be read as ratios on a shared, noisy machine;
- showback for one month: the lines of every cost centre (devices, licenses, spares,
  repairs, cloud), as `showback --month` prints them without the budget columns;
- the same with spend to date against the year's budget (January to the month);
- the items behind the largest cost centre (`--cost-centre`);
- the kpi set (`kpi`).

Each figure is the median of `--rounds` runs, printed with its target (≤ 3 s for
showback of one month and for the kpi set). With --postgres the same data set is built
on a PostgreSQL server started here (tests/pg_server.py) and timed there too.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inventory import clock  # noqa: E402
from inventory.costing import kpi, showback  # noqa: E402
from inventory.costing.calendar import Month  # noqa: E402
from inventory.storage import open_store  # noqa: E402

TARGET_S = 3.0


def timed(fn, rounds: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def run(db, label: str, month: Month, today: date, rounds: int) -> list[tuple]:
    base, _ = timed(lambda: db.execute_sql(
        "SELECT COUNT(*), SUM(quantity) FROM movement").fetchone(), rounds)
    one, sb = timed(lambda: showback.showback(db, month, to_date=False), rounds)
    ytd, _ = timed(lambda: showback.showback(db, month), rounds)
    biggest = max((ln for ln in sb.lines if ln.cost_centre not in showback.SPECIAL),
                  key=lambda ln: ln.total)
    items, found = timed(lambda: showback.items(db, month, biggest.cost_centre), rounds)
    k, _ = timed(lambda: kpi.compute(db, today), rounds)
    n_items = sum(len(v) for v in found.values())
    return [
        (label, "baseline: one pass over the ledger", base, None),
        (label, f"showback {month}, {len(sb.lines)} lines", one, TARGET_S),
        (label, "… with spend to date vs budget (Jan–month)", ytd, None),
        (label, f"items behind {biggest.cost_centre} ({n_items:,} items)", items, None),
        (label, "kpi set", k, TARGET_S),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a COPY of the scale-50 demo")
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--today", default="2026-12-01")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    os.environ[clock.ENV] = args.today
    month, today = Month.parse(args.month), date.fromisoformat(args.today)
    t = time.perf_counter()
    db = open_store(args.database)
    opened = time.perf_counter() - t
    movements = db.execute_sql("SELECT COUNT(*) FROM movement").fetchone()[0]
    assets = db.execute_sql("SELECT COUNT(*) FROM asset").fetchone()[0]
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"data set: {assets:,} assets, {movements:,} movements (opened in {opened:.1f} s)")
    rows = run(db, "SQLite", month, today, args.rounds)
    db.close()
    if args.postgres:
        rows += _postgres(args.database, month, today, args.rounds)
    print(f"{'backend':8} {'figure':52} {'median':>9} {'× base':>7}  target")
    base: dict[str, float] = {}
    for backend, what, seconds, target in rows:
        base.setdefault(backend, seconds)
        verdict = "" if target is None else (f"≤ {target:.0f} s: "
                                              f"{'met' if seconds <= target else 'NOT met'}")
        print(f"{backend:8} {what:52} {seconds:8.3f}s {seconds / base[backend]:6.1f}×  "
              f"{verdict}")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _postgres(path: str, month: Month, today: date, rounds: int) -> list[tuple]:
    """The same data set built on PostgreSQL (the demo is the same for the same seed,
    scale and day), then the same figures."""
    from inventory.demo import load_demo
    from inventory.operators import os_operator
    from tests.pg_server import PgServer

    server = PgServer()
    server.start()
    try:
        url = server.create_database("bench_showback")
        db = open_store(url)
        try:
            t = time.perf_counter()
            print("building the scale-50 demo on PostgreSQL…", flush=True)
            load_demo(db, os_operator(db), scale=50, today=today)
            print(f"built in {time.perf_counter() - t:.0f} s", flush=True)
            db.execute_sql("ANALYZE")
            return run(db, "Postgres", month, today, rounds)
        finally:
            db.close()
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
