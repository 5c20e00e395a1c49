"""`migrate` at benchmark scale: a SQLite database of 100,000 assets / ~1.7 M movements
copied into an empty PostgreSQL database on this machine (target: <= 180 s).

    .venv/bin/python bench/bench_migrate.py --source /work/coord/data/scale50.sqlite
    .venv/bin/python bench/bench_migrate.py --scale 5        # builds its own, smaller one

The source is copied first (the benchmark never writes to it); the server is a durable
one (fsync on) started for the run. Times the whole command a user runs, as a process:
schema, COPY of every table, keys and indexes, and the proof (row counts, chain head,
verify on both); with --no-verify as well, to show what the proof costs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pg_server import PgServer  # noqa: E402

TARGET_S = 180.0


def copy_source(source: Path, dest: Path) -> None:
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        out.close()
        src.close()


def build(dest: Path, scale: int) -> None:
    subprocess.run([sys.executable, "main.py", "--database", str(dest), "demo", "--scale",
                    str(scale)], cwd=ROOT, check=True)


def counts(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT COUNT(*) FROM asset").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM movement").fetchone()[0])
    finally:
        con.close()


def timed_migrate(source: Path, target: str, *extra: str) -> tuple[float, str]:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "main.py", "--database", str(source), "migrate",
                        target, *extra], cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"migrate failed: {r.stderr.strip().splitlines()[-1]}")
    return took, r.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="an existing SQLite database (copied)")
    parser.add_argument("--scale", type=int, default=50, help="demo scale when no --source")
    parser.add_argument("--skip-quick", action="store_true",
                        help="only the full migrate (with verify)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stockroom-migrate-"))
    source = work / "source.sqlite"
    if args.source:
        copy_source(args.source, source)
    else:
        build(source, args.scale)
    assets, movements = counts(source)
    server = PgServer(durable=True)
    base = server.start()
    try:
        print(f"source: {assets:,} assets, {movements:,} movements; load {os.getloadavg()}")
        took, line = timed_migrate(source, server.create_database("full"))
        print(f"migrate (with verify on both): {took:.1f} s   target <= {TARGET_S:.0f} s   "
              f"{'OK' if took <= TARGET_S else 'MISSED'}")
        print(f"  {line}")
        if not args.skip_quick:
            quick, _ = timed_migrate(source, server.create_database("quick"), "--no-verify")
            print(f"migrate --no-verify: {quick:.1f} s (the proof by verify: "
                  f"{took - quick:.1f} s)")
        print(f"load average after: {os.getloadavg()}  server: {base}")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)  # the copy, and its backup before upgrading
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
