"""Recompute stock and asset positions from the ledger and compare with the projection,
then audit the rules the services enforce (`audit.py`: no duplicate seat, no over-
allocation, nothing issued to someone who had left, no device in two places)."""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from .. import models as m
from ..replenishment import demand_table
from .audit import audit


@dataclass
class VerifyReport:
    stock_rows: int = 0
    assets: int = 0
    movements: int = 0
    stock_differences: list[str] = field(default_factory=list)
    asset_differences: list[str] = field(default_factory=list)
    demand_differences: list[str] = field(default_factory=list)  # the reorder list's table
    rule_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.stock_differences or self.asset_differences
                    or self.demand_differences or self.rule_problems)


STOCK_FROM_LEDGER = """
SELECT product_id, location_id, SUM(delta) FROM (
  SELECT product_id, to_location_id AS location_id, quantity AS delta FROM movement
   WHERE asset_id IS NULL AND license_id IS NULL AND to_location_id IS NOT NULL
  UNION ALL
  SELECT product_id, from_location_id, -quantity FROM movement
   WHERE asset_id IS NULL AND license_id IS NULL AND from_location_id IS NOT NULL
) AS d GROUP BY product_id, location_id
"""

ASSETS_FROM_LEDGER = """
SELECT m.asset_id, m.to_location_id, m.holder_id, m.asset_status
  FROM movement m
  JOIN (SELECT asset_id, MAX(id) AS last_id FROM movement
         WHERE asset_id IS NOT NULL AND license_id IS NULL GROUP BY asset_id) AS l
    ON m.id = l.last_id
"""


def verify(db: pw.Database) -> VerifyReport:
    """Read-only: nothing is changed, whatever is found."""
    report = VerifyReport()
    with db.atomic():
        report.movements = m.Movement.select().count()
        ledger = {(p, loc): int(q) for p, loc, q in db.execute_sql(STOCK_FROM_LEDGER)}
        book = {(r.product_id, r.location_id): r.quantity for r in
                m.StockLevel.select(m.StockLevel.product, m.StockLevel.location,
                                    m.StockLevel.quantity)}
        report.stock_rows = len(book)
        names = dict(m.Product.select(m.Product.id, m.Product.name).tuples())
        places = dict(m.Location.select(m.Location.id, m.Location.name).tuples())
        for key in sorted(set(ledger) | set(book)):
            want, have = ledger.get(key, 0), book.get(key, 0)
            if want != have:
                p, loc = key
                report.stock_differences.append(
                    f"{names.get(p, p)} at {places.get(loc, loc)}: ledger says {want}, "
                    f"stock level says {have}")
        positions = {a: (loc, h, s) for a, loc, h, s in db.execute_sql(ASSETS_FROM_LEDGER)}
        for a_id, tag, loc, holder, status in (
                m.Asset.select(m.Asset.id, m.Asset.tag, m.Asset.location, m.Asset.holder,
                               m.Asset.status).tuples().iterator()):
            report.assets += 1
            wanted = positions.get(a_id)
            if wanted is None:
                report.asset_differences.append(f"{tag}: no movement in the ledger")
            elif wanted != (loc, holder, status):
                report.asset_differences.append(
                    f"{tag}: ledger says {wanted[2]} at {places.get(wanted[0])}, holder "
                    f"{wanted[1]}; "
                    f"asset record says {status} at {places.get(loc)}, holder {holder}")
        report.demand_differences = demand_table.differences(db)
    report.rule_problems = audit(db)
    return report
