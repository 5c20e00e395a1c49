"""What the shop's rules cost a check-out at the counter: every check-out now asks whether
the device is reserved for someone's request and whether it is in the loan pool (and, for a
pool device, whether the loan runs into a booking).

    .venv/bin/python bench/bench_shop.py [--rounds 300] [--database DEMO.sqlite]

On a fresh scale-1 demo (SQLite, WAL, synchronous=FULL). Baselines measured in the same run:
a raw one-row insert + commit, and the same check-out with the two shop lookups skipped, so
the figure is a ratio that survives a loaded machine. Target: the shop adds at most 25 % to a
check-out + check-in of an ordinary device, and a pool device with bookings stays within the
core service target (p95 ≤ 10 ms).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STOCKROOM_TODAY", "2026-12-01")

from inventory import clock  # noqa: E402
from inventory import models as m  # noqa: E402
from inventory.demo import load_demo  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.services import assets, bookings, reservations  # noqa: E402
from inventory.storage import open_store  # noqa: E402


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]

def loop(db, op, tag: str, person: str, rounds: int, due=None) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        assets.check_out(db, op, tag, person=person, due=due)
        assets.check_in(db, op, tag)
        out.append((time.perf_counter() - t) * 1000 / 2)
    return out

def raw(path: str, rounds: int) -> list[float]:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT)")
    out = []
    for i in range(rounds):
        t = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO bench_raw (v) VALUES (?)", (str(i),))
        con.execute("COMMIT")
        out.append((time.perf_counter() - t) * 1000)
    con.close()
    return out

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--database", help="a copy of this demo database is used (build one "
                        "with `main.py demo`; default: build it here)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="stockroom-bench-shop-"))
    url = str(tmp / "demo.sqlite")
    if args.database:

        src = sqlite3.connect(args.database)
        dst = sqlite3.connect(url)
        src.backup(dst)
        src.close()
        dst.close()
    db = open_store(url)
    op = os_operator(db)
    if not args.database:
        t = time.perf_counter()
        load_demo(db, op)
        print(f"demo built in {time.perf_counter() - t:.1f} s")
    person = m.Person.select().where(m.Person.active).order_by(m.Person.id).first().employee_id
    pool = {a for (a,) in m.LoanDevice.select(m.LoanDevice.asset).tuples()}
    plain = (m.Asset.select().where((m.Asset.status == "in_stock") & m.Asset.id.not_in(
        list(pool)) & m.Asset.id.not_in(reservations.held_assets())).first())
    booked = (m.Asset.select().join(m.Booking, on=(m.Booking.asset == m.Asset.id))
              .where(m.Asset.status == "in_stock").first())
    n = args.rounds
    loop(db, op, plain.tag, person, 20)  # warm the compiled statements
    saved = (reservations.check_not_reserved, bookings.check_loan)
    with_shop: list[float] = []
    without: list[float] = []
    blocks = 10  # alternate, so a burst of load elsewhere hits both alike
    for _ in range(blocks):
        with_shop += loop(db, op, plain.tag, person, n // blocks)
        reservations.check_not_reserved = lambda *a, **k: None  # type: ignore[assignment]
        bookings.check_loan = lambda *a, **k: None  # type: ignore[assignment]
        try:
            without += loop(db, op, plain.tag, person, n // blocks)
        finally:
            reservations.check_not_reserved, bookings.check_loan = saved
    pool_figs = None
    if booked is not None:
        first = (m.Booking.select().where(m.Booking.asset == booked.id)
                 .order_by(m.Booking.starts_on).first())
        due = max(first.starts_on - timedelta(days=1), clock.today())
        loop(db, op, booked.tag, person, 10, due=due)
        pool_figs = loop(db, op, booked.tag, person, n, due=due)
    base = raw(str(tmp / "raw.sqlite"), n)
    db.close()
    load = os.getloadavg()
    p50s, p50n, p50r = (statistics.median(with_shop), statistics.median(without),
                        statistics.median(base))
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {n} rounds each")
    print(f"check-out + check-in, ordinary device, with the shop's checks: p50 {p50s:.2f} ms, "
          f"p95 {pct(with_shop, 95):.2f} ms")
    print(f"  the same without them (baseline, same run): p50 {p50n:.2f} ms, "
          f"p95 {pct(without, 95):.2f} ms")
    extra = p50s / p50n - 1
    print(f"  the shop adds {extra:+.0%} at p50 (target ≤ +25 %: "
          f"{'met' if extra <= 0.25 else 'MISSED'})")
    print(f"  service / raw insert: {p50s / p50r:.1f}× (raw p50 {p50r:.3f} ms)")
    if pool_figs:
        p95 = pct(pool_figs, 95)
        print(f"loan-pool device with bookings, due before the next one: p50 "
              f"{statistics.median(pool_figs):.2f} ms, p95 {p95:.2f} ms (target p95 ≤ 10 ms: "
              f"{'met' if p95 <= 10 else 'MISSED'})")
    return 0

if __name__ == "__main__":
    sys.exit(main())
