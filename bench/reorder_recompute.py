"""Time the reorder list of one code tree on one database, as a recompute sees it.

    .venv/bin/python bench/reorder_recompute.py ROOT DATABASE

ROOT is a checkout of Stockroom (this one, or another commit exported with `git archive`),
DATABASE a copy of `bench/bench_reorder.py`'s data set. Prints the first list of the
process, the best of 3 recomputes of all lines with nothing changed and the best of 3 after
a stock adjustment (a scan moves stock; complete months do not move). Run two trees
alternately under the bench lock to compare them in the same window of time.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime

sys.path.insert(0, sys.argv[1])

from inventory import models as m  # noqa: E402
from inventory.operators import os_operator  # noqa: E402
from inventory.replenishment.engine import reorder_list  # noqa: E402
from inventory.services.ledger import add_stock, record  # noqa: E402
from inventory.storage import open_store  # noqa: E402

TODAY = date(2026, 6, 15)


def main() -> int:
    db = open_store(sys.argv[2])
    t = time.perf_counter()
    reorder_list(db, today=TODAY)
    first = time.perf_counter() - t
    same, moved = [], []
    op = os_operator(db)
    product, place = m.Product.get_by_id(1), m.Location.get_by_id(1)
    for _ in range(3):
        t = time.perf_counter()
        reorder_list(db, today=TODAY, alerts_only=False)
        same.append(time.perf_counter() - t)
        with db.atomic():  # a scan: one movement, and the stock it moved
            record(op, "adjust", product, quantity=1, to_location=place,
                   at=datetime(2026, 6, 15, 9))
            add_stock(product.id, place.id, 1)
        t = time.perf_counter()
        reorder_list(db, today=TODAY, alerts_only=False)
        moved.append(time.perf_counter() - t)
    print(f"{sys.argv[1]}: first {first:.2f} s, recompute (all lines) best {min(same):.2f} s, "
          f"after a stock change best {min(moved):.2f} s (target ≤ 0.5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
