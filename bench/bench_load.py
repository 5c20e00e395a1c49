"""Load: 8 desks (processes) scanning check-outs, check-ins and issues against one
PostgreSQL server for 60 s; throughput, p95 per call, then `verify` and the ledger's count.

    flock /work/coord/bench.lock .venv/bin/python bench/bench_load.py [--desks 8] [--seconds 60]

Each desk is its own process with its own connection, signed in, writing through the
operations layer (one unit of work per call, as the scan station does). Desks take their
own devices (no two desks scan the same one) but issue spares from the same shelves, so
stock levels and the ledger's head are contended. After the run: every call that said OK
is exactly one movement more in the ledger (nothing lost, nothing counted twice) and
`verify` is clean.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-pass-123"


def desk(url: str, user: str, index: int, desks: int, seconds: float, start_at: float) -> None:
    """One desk's loop (run as `bench_load.py --desk ...`); prints one JSON line."""
    from inventory import models as m
    from inventory import operations
    from inventory.commands import CheckIn, CheckOut, Issue
    from inventory.errors import InventoryError
    from inventory.operators import current_operator
    from inventory.storage import open_store

    db = open_store(url)
    op = current_operator(db, user, PASSWORD)
    tags = [t for (t,) in m.Asset.select(m.Asset.tag).where(m.Asset.status == "in_stock")
            .order_by(m.Asset.id).tuples()][index::desks][:200]
    people = [e for (e,) in m.Person.select(m.Person.employee_id).where(m.Person.active)
              .order_by(m.Person.id).limit(50).tuples()]
    spares = [(p, loc) for p, loc in m.StockLevel.select(m.Product.gtin, m.Location.code)
              .join(m.Product).switch(m.StockLevel).join(m.Location)
              .where(m.Product.gtin.is_null(False) & (m.Location.kind == "stockroom"))
              .order_by(m.StockLevel.quantity.desc()).limit(5).tuples()]
    while time.time() < start_at:
        time.sleep(0.001)
    ok = refused = 0
    reasons: dict[str, int] = {}
    times: list[float] = []
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        # the counter's rhythm: a device out, the same device back in, a spare handed out
        tag = tags[(i // 3) % len(tags)]
        step = i % 3
        if step == 0:
            cmd = CheckOut(tag, person=people[i % len(people)])
        elif step == 1:
            cmd = CheckIn(tag)
        else:
            product, loc = spares[i % len(spares)]
            cmd = Issue(product, 1, person=people[i % len(people)], location=loc)
        t = time.perf_counter()
        try:
            operations.execute(db, op, cmd)
            ok += 1
        except InventoryError as exc:
            refused += 1
            reasons[type(exc).__name__] = reasons.get(type(exc).__name__, 0) + 1
        times.append(time.perf_counter() - t)
        i += 1
    db.close()
    print(json.dumps({"ok": ok, "refused": refused, "reasons": reasons, "times": times}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--demo", type=Path, help="a demo database built beforehand (copied)")
    parser.add_argument("--desk", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.desk:
        url, user, index, desks, seconds, start_at = args.desk
        desk(url, user, int(index), int(desks), float(seconds), float(start_at))
        return 0

    from bench.team_demo import demo_on_postgres
    from inventory import models as m
    from inventory.services.verify import verify
    from inventory.storage import open_store

    with demo_on_postgres("stockroom-load-", args.demo, "load", PASSWORD) as team:
        url = team.url
        db = open_store(url)
        before = m.Movement.select().count()
        db.close()
        start_at = time.time() + 8  # every desk signed in and ready first
        print(f"load average before: {os.getloadavg()}")
        procs = [subprocess.Popen([sys.executable, __file__, "--desk", url, team.admin,
                                   str(i), str(args.desks), str(args.seconds), str(start_at)],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True)
                 for i in range(args.desks)]
        results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        ok = sum(r["ok"] for r in results)
        refused = sum(r["refused"] for r in results)
        reasons: dict[str, int] = {}
        for r in results:
            for k, v in r["reasons"].items():
                reasons[k] = reasons.get(k, 0) + v
        times = sorted(t for r in results for t in r["times"])
        p50 = statistics.median(times) * 1000
        p95 = statistics.quantiles(times, n=100)[94] * 1000
        print(f"{args.desks} desks x {args.seconds:.0f} s: {ok:,} writes OK, {refused:,} "
              f"refused {reasons or ''} ({ok / args.seconds:.0f} writes/s); per call p50 "
              f"{p50:.1f} ms, p95 {p95:.1f} ms")
        print(f"load average after: {os.getloadavg()}")
        db = open_store(url)
        after = m.Movement.select().count()
        report = verify(db)
        db.close()
        lost = before + ok - after
        print(f"ledger: {after - before:,} movements more for {ok:,} OK calls "
              f"({'nothing lost or counted twice' if lost == 0 else f'DIFFERENCE {lost}'}); "
              f"verify {'clean' if report.ok else 'DIFFERENCES: ' + '; '.join(report.lines()[:3])}")
        return 0 if lost == 0 and report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
