"""Recompute stock and asset positions from the ledger and compare with the projection,
then audit the rules the services enforce (`audit.py`: no duplicate seat, no over-
allocation, nothing issued to someone who had left, no device in two places)."""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from .. import limits
from .. import models as m
from ..dberrors import driver_errors, translate
from ..replenishment import demand_table
from . import chain
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
    value_problems: list[str] = field(default_factory=list)  # beyond the domain limits
    chain_problems: list[str] = field(default_factory=list)  # changed, removed, re-ordered
    guards_restored: list[str] = field(default_factory=list)  # ledger triggers put back
    chain_head: str = ""

    @property
    def ok(self) -> bool:
        return not (self.stock_differences or self.asset_differences
                    or self.demand_differences or self.rule_problems
                    or self.value_problems or self.chain_problems or self.guards_restored)

    def lines(self) -> list[str]:
        """Every finding, one line each."""
        guards = [f"ledger guard {g} was missing or disabled: it has been put back"
                  for g in self.guards_restored]
        return [*guards, *self.chain_problems, *self.value_problems,
                *self.stock_differences, *self.asset_differences,
                *self.demand_differences, *self.rule_problems]


# Rows whose quantity is beyond the domain limit are reported, not summed (a sum of them
# would overflow the database's integers).
STOCK_FROM_LEDGER = f"""
SELECT product_id, location_id, SUM(delta) FROM (
  SELECT product_id, to_location_id AS location_id, quantity AS delta FROM movement
   WHERE asset_id IS NULL AND license_id IS NULL AND to_location_id IS NOT NULL
     AND quantity BETWEEN 0 AND {limits.MAX_QUANTITY}
  UNION ALL
  SELECT product_id, from_location_id, -quantity FROM movement
   WHERE asset_id IS NULL AND license_id IS NULL AND from_location_id IS NOT NULL
     AND quantity BETWEEN 0 AND {limits.MAX_QUANTITY}
) AS d GROUP BY product_id, location_id
"""

ABSURD_MOVEMENTS = f"""
SELECT id, kind, product_id, quantity FROM movement
 WHERE quantity < 0 OR quantity > {limits.MAX_QUANTITY} ORDER BY id LIMIT 100
"""
ABSURD_STOCK = f"""
SELECT product_id, location_id, quantity FROM stock_level
 WHERE quantity < 0 OR quantity > {limits.MAX_QUANTITY} ORDER BY id LIMIT 100
"""


def absurd_values(db: pw.Database, names: dict | None = None,
                  places: dict | None = None) -> list[str]:
    """Quantities in the ledger or the stock levels beyond the domain limits, one line
    each (they were written before the limits, or by hand)."""
    if names is None:
        names = dict(m.Product.select(m.Product.id, m.Product.name).tuples())
    if places is None:
        places = dict(m.Location.select(m.Location.id, m.Location.name).tuples())
    out = [f"movement {i} ({kind} of {names.get(p, p)}) holds quantity {q:,}, beyond the "
           f"limit of {limits.MAX_QUANTITY:,}: correct the stock with an adjustment"
           for i, kind, p, q in db.execute_sql(ABSURD_MOVEMENTS)]
    out += [f"stock level of {names.get(p, p)} at {places.get(loc, loc)} is {q:,}, beyond "
            f"the limit of {limits.MAX_QUANTITY:,}"
            for p, loc, q in db.execute_sql(ABSURD_STOCK)]
    return out

ASSETS_FROM_LEDGER = """
SELECT m.asset_id, m.to_location_id, m.holder_id, m.asset_status
  FROM movement m
  JOIN (SELECT asset_id, MAX(id) AS last_id FROM movement
         WHERE asset_id IS NOT NULL AND license_id IS NULL GROUP BY asset_id) AS l
    ON m.id = l.last_id
"""


def verify(db: pw.Database) -> VerifyReport:
    """Prove the books: projections equal the ledger, the hash chain is unbroken, the
    guards are in place, no value is beyond the limits. Nothing is changed, except that a
    missing ledger guard is put back (and reported). A damaged file is a StorageError."""
    try:
        return _verify(db)
    except driver_errors() as exc:
        raise translate(exc) from exc


def _verify(db: pw.Database) -> VerifyReport:
    report = VerifyReport()
    from ..schema import install_guards

    with db.atomic():
        report.guards_restored = install_guards(db)  # the one write: closing a hole
    with db.atomic():
        problems, _, report.chain_head = (chain.check_on_server(db) or chain.check(
            db.execute_sql(chain.select_sql())))
        report.chain_problems = problems
        report.movements = m.Movement.select().count()
        ledger = {(p, loc): int(q) for p, loc, q in db.execute_sql(STOCK_FROM_LEDGER)}
        book = {(r.product_id, r.location_id): r.quantity for r in
                m.StockLevel.select(m.StockLevel.product, m.StockLevel.location,
                                    m.StockLevel.quantity)}
        report.stock_rows = len(book)
        names = dict(m.Product.select(m.Product.id, m.Product.name).tuples())
        places = dict(m.Location.select(m.Location.id, m.Location.name).tuples())
        report.value_problems = absurd_values(db, names, places)
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
        from ..costing import holdings, spend, stockouts  # the cost model's projections

        report.asset_differences += holdings.differences(db)
        report.stock_differences += stockouts.differences(db) + spend.differences(db)
    report.rule_problems = audit(db)
    return report
