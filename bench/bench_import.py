"""Import benchmark: 100,000 asset rows (Snipe-IT export columns) into the demo database.

    python bench/bench_import.py [--rows 100000] [--database FILE] [--keep]

Target (issue 6): a 100,000-row import in 30 s or less, read + check + write, on SQLite.
Also times the dry run and a re-import of the same file (every row unchanged).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inventory import models as m  # noqa: E402
from inventory.demo import load_demo  # noqa: E402
from inventory.exchange.export import export_table  # noqa: E402
from inventory.exchange.importer import import_file  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.services.verify import verify  # noqa: E402
from inventory.storage import open_store  # noqa: E402

TARGET_SECONDS = 30.0
HEADERS = ["Asset Tag", "Serial", "Model", "Model No.", "Category", "Manufacturer", "Status",
           "Location", "Checked Out To", "Employee No.", "Purchase Date", "Purchase Cost",
           "Warranty", "Supplier", "Order Number", "Notes"]


def write_file(path: Path, rows: int, seed: int = 11) -> None:
    """A Snipe-IT-shaped export naming the demo's models, stockrooms and people."""
    rng = random.Random(seed)
    models = list(m.Product.select(m.Product.name, m.Product.part_number, m.Product.category,
                                   m.Product.manufacturer).where(m.Product.kind == "device")
                  .tuples())
    stockrooms = [n for (n,) in m.Location.select(m.Location.name).where(
        m.Location.kind == "stockroom").tuples()]
    people = [e for (e,) in m.Person.select(m.Person.employee_id).where(m.Person.active)
              .tuples()]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADERS)
        for i in range(rows):
            name, part, cat, maker = rng.choice(models)
            deployed = rng.random() < 0.6
            out.writerow([
                f"BX-{i:07d}", f"{maker[:2].upper()}{rng.randrange(16**10):010X}", name, part,
                cat, maker, "Deployed" if deployed else "Ready to Deploy",
                rng.choice(stockrooms), "", rng.choice(people) if deployed else "",
                f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/20{rng.randrange(19, 25)}",
                f"{rng.randrange(200, 3000)}.00", rng.choice(("12", "24", "36")), "CDW",
                f"PO-{rng.randrange(1, 5000):05d}", "",
            ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database", help="SQLite file (default: a temporary one)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.database or str(Path(tmp) / "bench.sqlite")
        db = open_store(db_path)
        op = os_operator(db)
        if not m.Product.select().exists():
            load_demo(db, op)
        path = Path(tmp) / "snipeit-export.csv"
        write_file(path, args.rows)
        before = m.Asset.select().count()

        def progress(stage: str, done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r  {stage} {done:,}/{total:,}   ", end="", file=sys.stderr)

        t = time.perf_counter()
        dry = import_file(db, op, path, preset="snipeit", dry_run=True, progress=progress)
        t_dry = time.perf_counter() - t
        t = time.perf_counter()
        real = import_file(db, op, path, preset="snipeit", progress=progress)
        t_real = time.perf_counter() - t
        t = time.perf_counter()
        again = import_file(db, op, path, preset="snipeit", progress=progress)
        t_again = time.perf_counter() - t
        print(file=sys.stderr)
        added = m.Asset.select().count() - before
        t = time.perf_counter()
        exported = export_table(db, "movements", Path(tmp) / "ledger.csv")
        t_export = time.perf_counter() - t
        t = time.perf_counter()
        export_table(db, "assets", Path(tmp) / "assets.xlsx")
        t_xlsx = time.perf_counter() - t
        ok = verify(db).ok
        db.close()
    rate = args.rows / t_real
    verdict = "PASS" if t_real <= TARGET_SECONDS * args.rows / 100_000 else "FAIL"
    print(f"import {args.rows:,} asset rows (Snipe-IT columns, SQLite): {t_real:.1f} s "
          f"({rate:,.0f} rows/s), target <= {TARGET_SECONDS:.0f} s per 100,000 rows: {verdict}")
    print(f"  dry run {t_dry:.1f} s; re-import of the same file {t_again:.1f} s "
          f"({again.count('unchanged'):,} unchanged, {again.count('create')} created)")
    print(f"  {real.count('create'):,} created, {real.count('refuse')} refused, {added:,} new "
          f"assets, {real.movements:,} movements; verify {'ok' if ok else 'FAILED'}; "
          f"dry run agreed: {dry.count('create') == real.count('create')}")
    print(f"  export the ledger ({exported:,} movements) to CSV {t_export:.1f} s; "
          f"{added + before:,} assets to XLSX {t_xlsx:.1f} s")
    return 0 if verdict == "PASS" and ok else 1


if __name__ == "__main__":
    sys.exit(main())
