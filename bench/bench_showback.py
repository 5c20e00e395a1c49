"""Benchmark: showback for one month and the kpi set on the 100,000-asset data set.

    .venv/bin/python bench/bench_showback.py --database COPY.sqlite [--month 2026-11]
        [--today 2026-12-01] [--rounds 3] [--postgres | --url postgresql://...]

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
showback of one month and for the kpi set). With --postgres the copy is migrated
(`inventory/migrate.py`, as `main.py migrate` does) onto a PostgreSQL server started here
(tests/pg_server.py), analysed and timed there too, and the server stopped; with --url the
same figures are taken on a PostgreSQL database already migrated from the copy (a server
you started; `--url` alone skips SQLite).
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


def timed(fn, rounds: int) -> tuple[float, float, object]:
    """(median, first round, value): the first round is what a fresh process on a
    server that has just started lives through (cold caches)."""
    times, value = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times[0], value


def run(db, label: str, month: Month, today: date, rounds: int) -> list[tuple]:
    base = timed(lambda: db.execute_sql(
        "SELECT COUNT(*), SUM(quantity) FROM movement").fetchone(), rounds)
    one = timed(lambda: showback.showback(db, month, to_date=False), rounds)
    sb = one[2]
    ytd = timed(lambda: showback.showback(db, month), rounds)
    biggest = max((ln for ln in sb.lines if ln.cost_centre not in showback.SPECIAL),
                  key=lambda ln: ln.total)
    items = timed(lambda: showback.items(db, month, biggest.cost_centre), rounds)
    k = timed(lambda: kpi.compute(db, today), rounds)
    n_items = sum(len(v) for v in items[2].values())
    return [
        (label, "baseline: one pass over the ledger", *base[:2], None),
        (label, f"showback {month}, {len(sb.lines)} lines", *one[:2], TARGET_S),
        (label, "… with spend to date vs budget (Jan–month)", *ytd[:2], None),
        (label, f"items behind {biggest.cost_centre} ({n_items:,} items)", *items[:2], None),
        (label, "kpi set", *k[:2], TARGET_S),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a COPY of the scale-50 demo")
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--today", default="2026-12-01")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true",
                        help="migrate the copy onto a private server and time it there")
    parser.add_argument("--url", help="a PostgreSQL database migrated from the copy")
    args = parser.parse_args()
    if not args.database and not args.url:
        parser.error("give --database COPY.sqlite, --url postgresql://..., or both")
    if args.postgres and not args.database:
        parser.error("--postgres migrates the copy: give it with --database")
    os.environ[clock.ENV] = args.today
    month, today = Month.parse(args.month), date.fromisoformat(args.today)
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows: list[tuple] = []
    if args.database:
        rows += _timed_store(args.database, "SQLite", month, today, args.rounds)
    if args.url:
        rows += _timed_store(args.url, "Postgres", month, today, args.rounds)
    elif args.postgres:
        rows += _postgres(args.database, month, today, args.rounds)
    print(f"{'backend':8} {'figure':52} {'median':>9} {'× base':>7} {'first':>8}  target "
          "(median and first round)")
    base: dict[str, float] = {}
    for backend, what, seconds, first, target in rows:
        base.setdefault(backend, seconds)
        verdict = "" if target is None else (
            f"≤ {target:.0f} s: {'met' if seconds <= target else 'NOT met'}, "
            f"{'met' if first <= target else 'NOT met'}")
        print(f"{backend:8} {what:52} {seconds:8.3f}s {seconds / base[backend]:6.1f}× "
              f"{first:7.3f}s  {verdict}")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _timed_store(url: str, label: str, month: Month, today: date,
                 rounds: int) -> list[tuple]:
    t = time.perf_counter()
    db = open_store(url)
    try:
        opened = time.perf_counter() - t
        movements = db.execute_sql("SELECT COUNT(*) FROM movement").fetchone()[0]
        assets = db.execute_sql("SELECT COUNT(*) FROM asset").fetchone()[0]
        print(f"{label}: {assets:,} assets, {movements:,} movements (opened in "
              f"{opened:.1f} s)", flush=True)
        return run(db, label, month, today, rounds)
    finally:
        db.close()


def _postgres(path: str, month: Month, today: date, rounds: int) -> list[tuple]:
    """The copy migrated onto a PostgreSQL server started here, then the same figures;
    the server is stopped afterwards."""
    from inventory.migrate import copy_to_postgres
    from tests.pg_server import PgServer

    server = PgServer()
    server.start()
    try:
        url = server.create_database("bench_showback")
        src = open_store(path)
        try:
            t = time.perf_counter()
            print("migrating the copy onto PostgreSQL…", flush=True)
            report = copy_to_postgres(src, url, check=False)
            print(f"migrated {report.total:,} rows in {time.perf_counter() - t:.0f} s",
                  flush=True)
        finally:
            src.close()
        db = open_store(url)
        try:
            db.execute_sql("ANALYZE")
        finally:
            db.close()
        return _timed_store(url, "Postgres", month, today, rounds)
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
