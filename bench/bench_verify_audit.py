"""`verify` with the rule audit, at benchmark scale: what the audit adds to the ledger check.

    .venv/bin/python bench/bench_verify_audit.py [--scale 10] [--rounds 3]

Builds (once) `bench/out/audit-scaleN.sqlite` with `demo --scale N --today 2026-12-01`,
then times, in the same run, the ledger-vs-projection part of verify and the rule audit
(duplicate seats, over-allocation, issues to leavers, devices in two places, negative
stock). Prints the median of each, the ratio, and the target beside them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inventory import models as m  # noqa: E402
from inventory.demo import load_demo  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.services import verify as verify_module  # noqa: E402
from inventory.services.audit import audit  # noqa: E402
from inventory.storage import open_store  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_S = 10.0  # DESIGN: verify at 1.7 M movements within 10 s, audit included
TARGET_RATIO = 0.5  # the audit costs at most half of the ledger check


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = str(OUT / f"audit-scale{args.scale}.sqlite")
    db = open_store(url)
    if not m.Asset.select().exists():
        t = time.perf_counter()
        load_demo(db, os_operator(db), scale=args.scale, today=date(2026, 12, 1))
        print(f"built the scale-{args.scale} demo in {time.perf_counter() - t:.0f} s")
    moves = m.Movement.select().count()
    ledger, rules = [], []
    original = verify_module.audit
    try:
        verify_module.audit = lambda _db: []  # the ledger check alone
        for _ in range(args.rounds):
            t = time.perf_counter()
            report = verify_module.verify(db)
            ledger.append(time.perf_counter() - t)
            t = time.perf_counter()
            problems = audit(db)
            rules.append(time.perf_counter() - t)
    finally:
        verify_module.audit = original
    db.close()
    lm, am = statistics.median(ledger), statistics.median(rules)
    print(f"scale {args.scale}: {moves:,} movements, {report.assets:,} assets; "
          f"{len(problems)} rule problems found")
    print(f"ledger check (median of {args.rounds}): {lm:.2f} s")
    print(f"rule audit   (median of {args.rounds}): {am:.2f} s")
    print(f"audit / ledger check: {am / lm:.2f}  (target ≤ {TARGET_RATIO}: "
          f"{'met' if am / lm <= TARGET_RATIO else 'NOT met'})")
    print(f"verify with the audit: {lm + am:.2f} s  (target ≤ {TARGET_S:.0f} s at scale 50; "
          f"here scale {args.scale})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
