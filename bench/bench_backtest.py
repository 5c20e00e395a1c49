"""Benchmark: the ledger backtest (12 months replayed) on 5,000 products × 4 locations and on
the demo, each beside the reorder list computed on the same database in the same run.

    .venv/bin/python bench/bench_backtest.py [--products 5000] [--rebuild] [--months 12]

Builds (once) bench/out/bench_backtest_5000.sqlite with bulk inserts: 2 site stockrooms
served by a 3PL and an MSP (transfer lanes), 4 suppliers, one offer per product, 36 months
of demand in four kinds (smooth, erratic, intermittent, lumpy; about 1.6 M movements) and
received purchase orders through the period (observed lead times). Then times
`run_backtest` (policy + min/max baseline) and, for the demo, the whole command
`python main.py backtest --today ...` as a user runs it. Targets: ≤ 90 s and ≤ 10 s.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inventory.demo import load_demo  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.replenishment.backtest import run_backtest  # noqa: E402
from inventory.replenishment.engine import reorder_list  # noqa: E402
from inventory.storage import open_store  # noqa: E402

OUT = ROOT / "bench" / "out"
TODAY = date(2026, 6, 15)
TARGET_SCALE_S = 90.0
TARGET_DEMO_S = 10.0
HISTORY_DAYS = 36 * 31


def build(path: Path, products: int, seed: int = 11) -> None:
    if path.exists():
        path.unlink()
    db = open_store(str(path))
    op = os_operator(db)
    db.close()
    rng = np.random.default_rng(seed)
    con = sqlite3.connect(path)
    cur = con.cursor()
    cur.executemany("INSERT INTO location (id, name, code, kind, parent_id, partner, active) "
                    "VALUES (?,?,?,?,NULL,'',1)",
                    [(1, "HQ stockroom", "SR-HQ", "stockroom"),
                     (2, "Branch stockroom", "SR-BR", "stockroom"),
                     (3, "3PL", "3PL", "3pl"), (4, "MSP", "MSP", "msp")])
    cur.executemany("INSERT INTO transfer_lane (source_id, destination_id, lead_time_days) "
                    "VALUES (?,?,?)", [(3, 1, 2), (4, 2, 1)])
    cur.executemany("INSERT INTO supplier (id, name, email, lead_time_days) VALUES (?,?,'',?)",
                    [(i, f"Supplier {i}", 7 * i) for i in range(1, 5)])
    cur.executemany(
        "INSERT INTO product (id, name, kind, manufacturer, category, part_number, unit_cost, "
        "keep_spares, end_of_life, active) VALUES (?,?,?,'',?,?,?,0,0,1)",
        [(p, f"Spare {p:05d}", "spare", f"Family {p % 12}", f"P{p:05d}", 10 + p % 90)
         for p in range(1, products + 1)])
    cur.executemany(
        "INSERT INTO supplier_offer (supplier_id, product_id, supplier_part, unit_price, "
        "pack_size, min_order, lead_time_days, preferred) VALUES (?,?,'',?,?,?,?,1)",
        [(1 + p % 4, p, 9 + p % 90, (1, 1, 5)[p % 3], (1, 1, 5)[p % 3], 7 * (1 + p % 4))
         for p in range(1, products + 1)])
    start = datetime.combine(TODAY - timedelta(days=HISTORY_DAYS), datetime.min.time())
    po, lines = [], []
    n = 0
    for p in range(1, products + 1):
        for _ in range(8):  # receipts spread over the three years
            n += 1
            ordered = start + timedelta(days=int(rng.integers(0, HISTORY_DAYS - 60)))
            got = ordered + timedelta(days=float(rng.gamma(9, (7 * (1 + p % 4)) / 9)))
            po.append((n, f"PO-B-{n:07d}", 1 + p % 4, 3, "received", ordered, ordered, got))
            lines.append((n, p, 10, 10, 10))
    cur.executemany("INSERT INTO purchase_order (id, number, supplier_id, ship_to_id, status, "
                    "created_at, ordered_at, received_at, note) VALUES (?,?,?,?,?,?,?,?,'')", po)
    cur.executemany("INSERT INTO purchase_order_line (order_id, product_id, quantity, "
                    "received_quantity, unit_price) VALUES (?,?,?,?,?)", lines)
    cur.executemany("INSERT INTO stock_level (product_id, location_id, quantity, reserved) "
                    "VALUES (?,?,?,0)",
                    [(p, loc, int(rng.integers(0, 30))) for p in range(1, products + 1)
                     for loc in (1, 2, 3, 4)])
    total = 0
    for p in range(1, products + 1):
        kind = p % 4
        rows = []
        for loc in (1, 2, 3, 4):
            if kind == 0:  # smooth
                hit = rng.random(HISTORY_DAYS) < rng.uniform(0.08, 0.25)
                size = rng.poisson(2.0, HISTORY_DAYS) + 1
            elif kind == 1:  # erratic
                hit = rng.random(HISTORY_DAYS) < rng.uniform(0.05, 0.15)
                size = np.ceil(rng.lognormal(1.0, 1.2, HISTORY_DAYS))
            elif kind == 2:  # intermittent
                hit = rng.random(HISTORY_DAYS) < rng.uniform(0.01, 0.03)
                size = 1 + (rng.random(HISTORY_DAYS) < 0.3)
            else:  # lumpy
                hit = rng.random(HISTORY_DAYS) < rng.uniform(0.01, 0.03)
                size = np.ceil(rng.lognormal(1.5, 1.0, HISTORY_DAYS))
            what = "issue" if loc < 3 else "ship"
            for d in np.flatnonzero(hit).tolist():
                rows.append((start + timedelta(days=d, hours=10), what, p, int(size[d]), loc,
                             op.id))
        cur.executemany("INSERT INTO movement (at, kind, product_id, quantity, "
                        "from_location_id, operator_id, reference, source, note) "
                        "VALUES (?,?,?,?,?,?,'','manual','')", rows)
        total += len(rows)
    con.commit()
    con.close()
    print(f"built {path.name}: {products} products × 4 locations, {total:,} demand "
          f"movements, {len(po):,} received orders")


def time_scale(products: int, months: int, rebuild: bool) -> tuple[float, float, int]:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench_backtest_{products}.sqlite"
    if rebuild or not path.exists():
        build(path, products)
    db = open_store(str(path))
    reorder_list(db, today=TODAY, alerts_only=False)  # warm the page cache
    t = time.perf_counter()
    reorder_list(db, today=TODAY, alerts_only=False)
    ref = time.perf_counter() - t
    t = time.perf_counter()
    report = run_backtest(db, today=TODAY, months=months, service_level=0.95)
    took = time.perf_counter() - t
    db.close()
    for r in report.results:
        print(f"  {r.rule:<8} {r.group:<12} items {r.rows:>6}  CSL {r.csl or 0:6.1%}  fill "
              f"{r.fill_rate or 0:6.1%}  stock {r.stock_value:>12,.0f}  orders {r.orders}")
    return took, ref, report.rows


def time_demo(months: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = str(Path(tmp) / "demo.sqlite")
        db = open_store(url)
        load_demo(db, os_operator(db), today=TODAY)
        reorder_list(db, today=TODAY, alerts_only=False)
        t = time.perf_counter()
        reorder_list(db, today=TODAY, alerts_only=False)
        ref = time.perf_counter() - t
        db.close()
        t = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--database", url, "backtest",
                        "--today", TODAY.isoformat(), "--months", str(months)],
                       check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - t, ref


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    demo, demo_ref = time_demo(args.months)
    print(f"demo: `main.py backtest` {args.months} months in {demo:.1f} s (target ≤ "
          f"{TARGET_DEMO_S:.0f} s) {'ok' if demo <= TARGET_DEMO_S else 'OVER TARGET'}; "
          f"reorder list on the same database {demo_ref:.2f} s (ratio {demo / demo_ref:.0f}×)")
    took, ref, rows = time_scale(args.products, args.months, args.rebuild)
    print(f"{args.products} products × 4 locations ({rows:,} rows with demand): backtest "
          f"{args.months} months in {took:.1f} s (target ≤ {TARGET_SCALE_S:.0f} s) "
          f"{'ok' if took <= TARGET_SCALE_S else 'OVER TARGET'}; reorder list on the same "
          f"database {ref:.2f} s (ratio {took / ref:.0f}×)")
    return 0 if took <= TARGET_SCALE_S and demo <= TARGET_DEMO_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
