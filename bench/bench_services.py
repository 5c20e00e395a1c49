"""Service-call latency at benchmark scale (100,000 assets, ~1.3M movements).

    .venv/bin/python bench/bench_services.py [--scale 50] [--backend sqlite|postgres|both]

Prints each figure with its target. Latencies are compared with a raw one-row insert +
commit measured in the same run on the same database, because this machine is shared.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inventory import models as m  # noqa: E402
from inventory.demo import load_demo  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.services import assets  # noqa: E402
from inventory.services.verify import verify  # noqa: E402
from inventory.storage import open_store  # noqa: E402

OUT = ROOT / "bench" / "out"
ROUNDS = 300


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def build(url: str, scale: int) -> tuple[float, object]:
    db = open_store(url)
    op = os_operator(db)
    if m.Asset.select().exists():
        return 0.0, db
    t = time.perf_counter()
    load_demo(db, op, scale=scale)
    return time.perf_counter() - t, db


def service_latency(db) -> list[float]:
    op = os_operator(db)
    rng = random.Random(1)
    tags = [t for (t,) in m.Asset.select(m.Asset.tag).where(m.Asset.status == "in_stock")
            .tuples()]
    people = [e for (e,) in m.Person.select(m.Person.employee_id).where(m.Person.active)
              .tuples()]
    times = []
    for _ in range(ROUNDS):
        tag, who = rng.choice(tags), rng.choice(people)
        t = time.perf_counter()
        assets.check_out(db, op, tag, person=who)
        assets.check_in(db, op, tag)
        times.append((time.perf_counter() - t) * 1000 / 2)  # per service call
    return times


def raw_sqlite(path: Path) -> list[float]:
    con = sqlite3.connect(str(path), isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=full")  # the same durability the app uses
    con.execute("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT)")
    times = []
    for i in range(ROUNDS):
        t = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO bench_raw (v) VALUES (?)", (str(i),))
        con.execute("COMMIT")
        times.append((time.perf_counter() - t) * 1000)
    con.execute("DROP TABLE bench_raw")
    con.close()
    return times


def raw_postgres(url: str) -> list[float]:
    import psycopg2

    con = psycopg2.connect(url)
    cur = con.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS bench_raw (id SERIAL PRIMARY KEY, v TEXT)")
    con.commit()
    times = []
    for i in range(ROUNDS):
        t = time.perf_counter()
        cur.execute("INSERT INTO bench_raw (v) VALUES (%s)", (str(i),))
        con.commit()
        times.append((time.perf_counter() - t) * 1000)
    cur.execute("DROP TABLE bench_raw")
    con.commit()
    con.close()
    return times


def report(name: str, url: str, scale: int, raw, target_p95: float) -> None:
    gen, db = build(url, scale)
    n_assets = m.Asset.select().count()
    n_moves = m.Movement.select().count()
    print(f"\n== {name}: {n_assets:,} assets, {n_moves:,} movements ==")
    if gen:
        print(f"generate data set: {gen:.1f} s")
    lat = service_latency(db)
    base = raw()
    p50, p95 = statistics.median(lat), pct(lat, 95)
    b50 = statistics.median(base)
    print(f"check-out/check-in service call: p50 {p50:.2f} ms, p95 {p95:.2f} ms "
          f"(target p95 <= {target_p95:.0f} ms) {'OK' if p95 <= target_p95 else 'MISSED'}")
    ratio = p50 / b50
    print(f"raw one-row insert + commit: p50 {b50:.3f} ms; service / raw = {ratio:.1f}x "
          f"(target <= 4x) {'OK' if ratio <= 4 else 'MISSED'}")
    t = time.perf_counter()
    rep = verify(db)
    vt = time.perf_counter() - t
    print(f"verify: {vt:.2f} s (target <= 10 s) {'OK' if vt <= 10 else 'MISSED'}; "
          f"{'consistent' if rep.ok else 'DIFFERENCES'}")
    db.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=50)
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--fresh", action="store_true",
                    help="build a new SQLite data set (timed) instead of reusing bench/out")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    cpu = Path("/proc/cpuinfo").read_text().split("model name")[1].split(":")[1]
    print(f"machine: {os.cpu_count()} cores, {cpu.splitlines()[0].strip()}")
    if args.backend in ("sqlite", "both"):
        path = OUT / f"scale{args.scale}{'-fresh' if args.fresh else ''}.sqlite"
        if args.fresh:
            for old in OUT.glob(path.name + "*"):
                old.unlink()
        report("SQLite", str(path), args.scale, lambda: raw_sqlite(path), 10)
        print(f"database size: {path.stat().st_size / 2**20:.0f} MiB")
    if args.backend in ("postgres", "both"):
        from tests.pg_server import PgServer

        server = PgServer(durable=True)
        try:
            server.start()
            url = server.create_database("bench")
            report("PostgreSQL (loopback)", url, args.scale, lambda: raw_postgres(url), 20)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
