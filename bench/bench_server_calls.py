"""Check-out + check-in on PostgreSQL over loopback, through the operations layer, against
a raw psycopg2 insert + commit measured in the same run (targets: p95 <= 2 ms per service
call, and <= 6x the raw baseline).

    .venv/bin/python bench/bench_server_calls.py [--scale 5 | --source FILE.sqlite]
        [--rounds 600] [--lock /work/coord/bench.lock]

The data set (the demo at --scale, or a copy of --source) is copied onto a durable
PostgreSQL server (fsync on) started for the run; only the timing holds --lock. Three
kinds of call take turns in blocks so that the machine's noise falls on all of them:
the raw baseline (BEGIN, INSERT of one row, COMMIT), the app's check-out / check-in as
the scan station makes them (`operations.execute`, one server-side function call:
inventory/pgcalls.py) and the same through the Python services (server calls off, for
comparison). Afterwards: `verify` clean and exactly one movement per call.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inventory import models as m  # noqa: E402
from inventory import operations, pgcalls  # noqa: E402
from inventory.commands import CheckIn, CheckOut  # noqa: E402
from inventory.errors import InventoryError  # noqa: E402
from inventory.migrate import copy_to_postgres  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.services.verify import verify  # noqa: E402
from inventory.storage import open_store  # noqa: E402
from tests.pg_server import PgServer  # noqa: E402

TARGET_P95_MS = 2.0
TARGET_RATIO = 6.0
BLOCKS = 6


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


@contextmanager
def bench_lock(path: str | None):
    if not path:
        yield
        return
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def source_db(work: Path, scale: int, source: Path | None) -> Path:
    dest = work / "source.sqlite"
    if source:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
            src.close()
    else:
        subprocess.run([sys.executable, "main.py", "--database", str(dest), "demo",
                        "--scale", str(scale)], cwd=ROOT, check=True, capture_output=True)
    return dest


def raw_block(cur, con, n: int) -> list[float]:
    times = []
    for i in range(n):
        t = time.perf_counter()
        cur.execute("INSERT INTO bench_raw (v) VALUES (%s)", (str(i),))
        con.commit()
        times.append((time.perf_counter() - t) * 1000)
    return times


def app_block(db, op, tags: list[str], people: list[str], rng: random.Random,
              n: int) -> tuple[list[float], list[float]]:
    """n check-out + check-in pairs: (each call's ms, each pair's ms / 2)."""
    calls, pairs = [], []
    for _ in range(n):
        tag, who = rng.choice(tags), rng.choice(people)
        t0 = time.perf_counter()
        operations.execute(db, op, CheckOut(tag, person=who, source="usb"))
        t1 = time.perf_counter()
        operations.execute(db, op, CheckIn(tag, source="usb"))
        t2 = time.perf_counter()
        calls += [(t1 - t0) * 1000, (t2 - t1) * 1000]
        pairs.append((t2 - t0) * 1000 / 2)
    return calls, pairs


def usable_tags(db, op, people: list[str], want: int) -> list[str]:
    """Devices the plain counter flow takes (not reserved, not in the loan pool)."""
    out = []
    for (tag,) in (m.Asset.select(m.Asset.tag).where(m.Asset.status == "in_stock")
                   .order_by(m.Asset.id).limit(want * 2).tuples()):
        try:
            operations.execute(db, op, CheckOut(tag, person=people[0]))
            operations.execute(db, op, CheckIn(tag))
            out.append(tag)
        except InventoryError:
            continue
        if len(out) >= want:
            break
    return out


def line(name: str, values: list[float]) -> str:
    return f"{name}: p50 {statistics.median(values):.3f} ms, p95 {pct(values, 95):.3f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=5)
    ap.add_argument("--source", type=Path, help="an existing SQLite database (copied)")
    ap.add_argument("--rounds", type=int, default=600, help="check-out + check-in pairs")
    ap.add_argument("--lock", help="hold this file's flock for the timing only")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stockroom-calls-"))
    server = PgServer(durable=True)
    try:
        src_path = source_db(work, args.scale, args.source)
        server.start()
        url = server.create_database("calls")
        src = open_store(str(src_path))
        copy_to_postgres(src, url, check=False)
        src.close()
        db = open_store(url)
        op = os_operator(db)
        people = [e for (e,) in m.Person.select(m.Person.employee_id)
                  .where(m.Person.active & m.Person.site.is_null(False))
                  .order_by(m.Person.id).limit(200).tuples()]
        tags = usable_tags(db, op, people, 300)
        import psycopg2

        con = psycopg2.connect(url)
        cur = con.cursor()
        cur.execute("CREATE TABLE bench_raw (id SERIAL PRIMARY KEY, v TEXT)")
        con.commit()
        raw_block(cur, con, 50)  # warm both paths up
        app_block(db, op, tags, people, random.Random(0), 50)
        n_assets, before = m.Asset.select().count(), m.Movement.select().count()
        per = max(1, args.rounds // BLOCKS)
        raw: list[float] = []
        fast_calls: list[float] = []
        fast_pairs: list[float] = []
        py_calls: list[float] = []
        py_pairs: list[float] = []
        rng = random.Random(1)
        with bench_lock(args.lock):
            load = os.getloadavg()
            for _ in range(BLOCKS):
                raw += raw_block(cur, con, per)
                pgcalls.ENABLED = True
                c, p = app_block(db, op, tags, people, rng, per)
                fast_calls += c
                fast_pairs += p
                pgcalls.ENABLED = False
                c, p = app_block(db, op, tags, people, rng, per)
                py_calls += c
                py_pairs += p
            pgcalls.ENABLED = True
            load_after = os.getloadavg()
        cur.execute("DROP TABLE bench_raw")
        con.commit()
        con.close()
        after = m.Movement.select().count()
        report = verify(db)
        db.close()
        cpu = Path("/proc/cpuinfo").read_text().split("model name")[1].split(":")[1]
        print(f"machine: {os.cpu_count()} cores, {cpu.splitlines()[0].strip()}; load average "
              f"{load[0]:.2f} -> {load_after[0]:.2f}")
        print(f"data set: {n_assets:,} assets, {before:,} movements; {BLOCKS} blocks of "
              f"{per} pairs per kind")
        b50, b95 = statistics.median(raw), pct(raw, 95)
        print(line("raw psycopg2 INSERT + COMMIT (baseline)", raw))
        f50, f95 = statistics.median(fast_calls), pct(fast_calls, 95)
        ok = f95 <= TARGET_P95_MS
        print(line("check-out / check-in, one server call each (app)", fast_calls)
              + f"  (target p95 <= {TARGET_P95_MS:.0f} ms) {'OK' if ok else 'MISSED'}")
        print(line("  the same per pair / 2 (as bench_services.py)", fast_pairs))
        r50, r95 = f50 / b50, f95 / b95
        print(f"  ratio to raw: p50 {r50:.1f}x, p95 {r95:.1f}x (target <= {TARGET_RATIO:.0f}x) "
              f"{'OK' if max(r50, r95) <= TARGET_RATIO else 'MISSED'}")
        print(line("check-out / check-in through the Python services (server calls off)",
                   py_calls) + f"  (ratio p50 {statistics.median(py_calls) / b50:.1f}x)")
        calls = len(fast_calls) + len(py_calls)
        lost = before + calls - after
        print(f"ledger: {after - before:,} movements for {calls:,} calls "
              f"({'nothing lost or counted twice' if lost == 0 else f'DIFFERENCE {lost}'}); "
              f"verify {'clean' if report.ok else 'DIFFERENCES'}")
        return 0 if lost == 0 and report.ok else 1
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
