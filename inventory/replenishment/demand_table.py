"""Demand per product × location × month, kept with the ledger in the same transaction.

The reorder list reads thousands of these rows instead of grouping hundreds of thousands
of movements. A trigger on `movement` adds every demand movement to its month as it is
appended (services, imports, the demo and any bulk insert alike), so the table can never
lag the ledger; `rebuild` recomputes it from the ledger (the migration that creates it),
and `differences` is what `verify` reports if the two ever disagree.

`grp` keeps the three kinds of demand apart, because which of them count depends on
today's catalogue: "use" (issues and consumption) always; "device" (check-outs) for
devices kept as spares; "partner" (shipments and transfers out) for 3PL / MSP locations.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import peewee as pw

from .. import models as m

GROUPS = {"issue": "use", "consume": "use", "check_out": "device", "ship": "partner",
          "transfer": "partner"}
_KINDS = ", ".join(f"'{k}'" for k in GROUPS)
_GROUP_SQL = ("CASE {k} WHEN 'issue' THEN 'use' WHEN 'consume' THEN 'use' "
              "WHEN 'check_out' THEN 'device' ELSE 'partner' END")
_MONTH_SQLITE = ("CAST(substr({at}, 1, 4) AS INTEGER) * 12 + CAST(substr({at}, 6, 2) AS "
                 "INTEGER) - 1")
_MONTH_PG = ("CAST(date_part('year', {at}) AS INTEGER) * 12 + CAST(date_part('month', {at}) "
             "AS INTEGER) - 1")

TRIGGER_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS movement_demand_month AFTER INSERT ON movement
       WHEN new.kind IN ({_KINDS}) AND new.from_location_id IS NOT NULL BEGIN
       INSERT INTO demand_month (product_id, location_id, month, grp, quantity)
       VALUES (new.product_id, new.from_location_id, {_MONTH_SQLITE.format(at="new.at")},
               {_GROUP_SQL.format(k="new.kind")}, new.quantity)
       ON CONFLICT (product_id, location_id, month, grp)
       DO UPDATE SET quantity = quantity + excluded.quantity; END""",
]
TRIGGER_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION movement_demand_month() RETURNS trigger AS $$
       BEGIN
         IF NEW.kind IN ({_KINDS}) AND NEW.from_location_id IS NOT NULL THEN
           INSERT INTO demand_month AS d (product_id, location_id, month, grp, quantity)
           VALUES (NEW.product_id, NEW.from_location_id, {_MONTH_PG.format(at="NEW.at")},
                   {_GROUP_SQL.format(k="NEW.kind")}, NEW.quantity)
           ON CONFLICT (product_id, location_id, month, grp)
           DO UPDATE SET quantity = d.quantity + EXCLUDED.quantity;
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movement_demand_month AFTER INSERT ON movement
       FOR EACH ROW EXECUTE FUNCTION movement_demand_month()""",
]


def _is_pg(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def _from_ledger_sql(db: pw.Database) -> str:
    month = (_MONTH_PG if _is_pg(db) else _MONTH_SQLITE).format(at="at")
    return (f"SELECT product_id, from_location_id, {month} AS month, "
            f"{_GROUP_SQL.format(k='kind')} AS grp, SUM(quantity) FROM movement "
            f"WHERE kind IN ({_KINDS}) AND from_location_id IS NOT NULL "
            "GROUP BY 1, 2, 3, 4")


def install(db: pw.Database) -> None:
    """Create the table and its trigger, and fill it from the ledger (a migration)."""
    db.create_tables([m.DemandMonth])
    for sql in (TRIGGER_POSTGRES if _is_pg(db) else TRIGGER_SQLITE):
        db.execute_sql(sql)
    rebuild(db)


def rebuild(db: pw.Database) -> int:
    """Recompute the table from the ledger; returns its number of rows."""
    with db.atomic():
        m.DemandMonth.delete().execute()
        db.execute_sql("INSERT INTO demand_month (product_id, location_id, month, grp, "
                       f"quantity) {_from_ledger_sql(db)}")
        return m.DemandMonth.select().count()


def differences(db: pw.Database, limit: int = 20) -> list[str]:
    """Where the table and the ledger disagree (empty when they agree)."""
    want = {(p, loc, mo, g): int(q) for p, loc, mo, g, q
            in db.execute_sql(_from_ledger_sql(db)).fetchall()}
    d = m.DemandMonth
    have = {(p, loc, mo, g): q for p, loc, mo, g, q in
            d.select(d.product, d.location, d.month, d.grp, d.quantity).tuples()
            if q}
    out = []
    for key in sorted(set(want) | set(have)):
        if want.get(key, 0) != have.get(key, 0):
            p, loc, mo, g = key
            out.append(f"demand of product {p} at location {loc} in {mo // 12}-"
                       f"{mo % 12 + 1:02d} ({g}): ledger says {want.get(key, 0)}, demand "
                       f"table says {have.get(key, 0)}")
            if len(out) >= limit:
                break
    return out


def month_number(d: date) -> int:
    """The month of `d` as `DemandMonth.month` counts it (year * 12 + month - 1)."""
    return d.year * 12 + d.month - 1


def monthly(db: pw.Database, today: date, partners: list[int], spare_devices: list[int],
            months: int = 24) -> tuple[list[tuple[int, int]], np.ndarray]:
    """(product, location) keys and their demand per month over the `months` complete
    months before `today`'s month (oldest first), read from the table, not the ledger."""
    d = m.DemandMonth
    end = month_number(today.replace(day=1))
    first = end - months
    kinds = d.grp == "use"
    if spare_devices:
        kinds |= (d.grp == "device") & d.product.in_(spare_devices)
    if partners:
        kinds |= (d.grp == "partner") & d.location.in_(partners)
    # No GROUP BY: each row is one month of one kind of demand; a cell with two kinds is
    # summed by np.add.at below.
    query = (d.select(d.product, d.location, d.month - first, d.quantity)
             .where(kinds & (d.month >= first) & (d.month < end)))
    rows = db.execute(query).fetchall()
    if not rows:
        return [], np.zeros((0, months))
    data = np.array(rows, dtype=np.int64)
    codes, row = np.unique(data[:, 0] * (1 << 32) + data[:, 1], return_inverse=True)
    out = np.zeros((len(codes), months))
    np.add.at(out, (row.ravel(), data[:, 2]), data[:, 3])
    return [(int(c >> 32), int(c & 0xFFFFFFFF)) for c in codes.tolist()], out
