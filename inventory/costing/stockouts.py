"""Stock-outs per product × location: a projection of the ledger kept by a trigger on
`movement` in the same transaction (like `holdings.py`), so achieved service reads a
few rows instead of replaying a year of movements.

`cost_balance` holds each product's quantity at each location as the ledger moves it,
the day it first had stock there (`first_in`) and, while it has none, the day it ran out
(`out_since`). `cost_stockout` holds each finished stretch with nothing on hand, from
day `d0` (the day it ran out) to day `d1` (the day stock came back), day numbers being
`date.toordinal()` of the movements' dates. `rebuild` recomputes both from the ledger
(the migration); `differences` compares the balances with the stock levels.
"""

from __future__ import annotations

from collections import defaultdict

import peewee as pw

from ..vocab import STOCKING_KINDS
from .calendar import is_pg, month_sql
from .tables import Balance, FlowMonth, StockOut

_STOCKING = ", ".join(f"'{k}'" for k in STOCKING_KINDS)


def _flow_values(new: str, month: str, names: bool = False) -> str:
    """The month's flow of one movement: net into stocking locations, used, used value."""
    def stocking(col: str) -> str:
        return f"(SELECT kind FROM location WHERE id = {new}.{col}) IN ({_STOCKING})"

    def named(expr: str, name: str) -> str:
        return f"{expr} AS {name}" if names else expr

    return ", ".join((
        named(f"{new}.product_id", "product_id"), named(month, "month"),
        named(f"CASE WHEN {stocking('to_location_id')} THEN {new}.quantity ELSE 0 END - "
              f"CASE WHEN {stocking('from_location_id')} THEN {new}.quantity ELSE 0 END", "net"),
        named(f"CASE WHEN {new}.kind IN ('issue', 'consume') THEN {new}.quantity ELSE 0 END",
              "used"),
        named(f"CASE WHEN {new}.kind IN ('issue', 'consume') THEN {new}.quantity * "
              f"COALESCE({new}.unit_cost, (SELECT unit_cost FROM product "
              f"WHERE id = {new}.product_id)) ELSE 0 END", "used_value")))


_FLOW_UPSERT = ("ON CONFLICT (product_id, month) DO UPDATE SET net = {t}.net + excluded.net, "
                "used = {t}.used + excluded.used, "
                "used_value = {t}.used_value + excluded.used_value")
_D_SQLITE = "CAST(julianday(date(new.at)) - 1721424.5 AS INTEGER)"
_D_PG = "(CAST(NEW.at AS DATE) - DATE '0001-01-01' + 1)"
_BAL = "cost_balance"


def _sqlite_leg(loc: str, sign: str) -> list[str]:
    q = f"new.quantity * {sign}"
    came_back = (f"INSERT INTO cost_stockout (product_id, location_id, d0, d1) "
                 f"SELECT product_id, location_id, out_since, {_D_SQLITE} FROM {_BAL} "
                 f"WHERE product_id = new.product_id AND location_id = new.{loc} "
                 f"AND out_since IS NOT NULL AND quantity + {q} > 0;")
    return [
        f"INSERT OR IGNORE INTO {_BAL} (product_id, location_id, quantity) "
        f"SELECT new.product_id, new.{loc}, 0 WHERE new.{loc} IS NOT NULL;",
        came_back,
        f"UPDATE {_BAL} SET "
        f"out_since = CASE WHEN quantity + {q} > 0 THEN NULL "
        f"WHEN out_since IS NULL THEN {_D_SQLITE} ELSE out_since END, "
        f"first_in = CASE WHEN first_in IS NULL AND quantity + {q} > 0 THEN {_D_SQLITE} "
        f"ELSE first_in END, quantity = quantity + {q} "
        f"WHERE product_id = new.product_id AND location_id = new.{loc};",
    ]


TRIGGER_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS movement_cost_balance AFTER INSERT ON movement "
    "WHEN new.asset_id IS NULL AND new.license_id IS NULL BEGIN "
    + " ".join(_sqlite_leg("to_location_id", "1") + _sqlite_leg("from_location_id", "-1"))
    + " INSERT INTO cost_flow_month (product_id, month, net, used, used_value) SELECT "
    + _flow_values("new", month_sql(pw.SqliteDatabase(None), "new.at"))
    + " WHERE true " + _FLOW_UPSERT.format(t="cost_flow_month") + "; END",
]


def _pg_leg(loc: str, sign: str) -> str:
    q = f"NEW.quantity * {sign}"
    return f"""
         IF NEW.{loc} IS NOT NULL THEN
           INSERT INTO {_BAL} (product_id, location_id, quantity)
           VALUES (NEW.product_id, NEW.{loc}, 0) ON CONFLICT DO NOTHING;
           INSERT INTO cost_stockout (product_id, location_id, d0, d1)
           SELECT product_id, location_id, out_since, {_D_PG} FROM {_BAL}
            WHERE product_id = NEW.product_id AND location_id = NEW.{loc}
              AND out_since IS NOT NULL AND quantity + {q} > 0;
           UPDATE {_BAL} SET
             out_since = CASE WHEN quantity + {q} > 0 THEN NULL
                              WHEN out_since IS NULL THEN {_D_PG} ELSE out_since END,
             first_in = CASE WHEN first_in IS NULL AND quantity + {q} > 0 THEN {_D_PG}
                             ELSE first_in END,
             quantity = quantity + {q}
           WHERE product_id = NEW.product_id AND location_id = NEW.{loc};
         END IF;"""


TRIGGER_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION movement_cost_balance() RETURNS trigger AS $$
       BEGIN
         IF NEW.asset_id IS NULL AND NEW.license_id IS NULL THEN
         {_pg_leg("to_location_id", "1")}
         {_pg_leg("from_location_id", "-1")}
           INSERT INTO cost_flow_month AS f (product_id, month, net, used, used_value)
           VALUES ({_flow_values("NEW", month_sql(pw.PostgresqlDatabase(None), "NEW.at"))})
           {_FLOW_UPSERT.format(t="f")};
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movement_cost_balance AFTER INSERT ON movement
       FOR EACH ROW EXECUTE FUNCTION movement_cost_balance()""",
]


def install(db: pw.Database) -> None:
    """Create the tables and the trigger, and fill them from the ledger (a migration)."""
    db.create_tables([Balance, StockOut, FlowMonth], safe=True)
    if is_pg(db):
        db.execute_sql("DROP TRIGGER IF EXISTS movement_cost_balance ON movement")
    for sql in (TRIGGER_POSTGRES if is_pg(db) else TRIGGER_SQLITE):
        db.execute_sql(sql)
    rebuild(db)


def _replay(db: pw.Database) -> tuple[dict, list[tuple[int, int, int, int]]]:
    """The balances and finished stock-outs, replayed from the ledger in id order."""
    from .calendar import day_sql

    cursor = db.execute_sql(
        f"SELECT product_id, from_location_id, to_location_id, quantity, {day_sql(db, 'at')} "
        "FROM movement WHERE asset_id IS NULL AND license_id IS NULL ORDER BY id")
    bal: dict[tuple[int, int], list] = defaultdict(lambda: [0, None, None])
    outs: list[tuple[int, int, int, int]] = []
    for product, src, dst, qty, day in cursor:
        for loc, delta in ((dst, qty), (src, -qty)):
            if loc is None:
                continue
            b = bal[(product, loc)]
            after = b[0] + delta
            if after > 0:
                if b[2] is not None:
                    outs.append((product, loc, b[2], day))
                b[2] = None
                if b[1] is None:
                    b[1] = day
            elif b[2] is None:
                b[2] = day
            b[0] = after
    return bal, outs


def _flows_sql(db: pw.Database) -> str:
    return (f"SELECT product_id, month, SUM(net), SUM(used), SUM(used_value) FROM (SELECT "
            f"{_flow_values('mv', month_sql(db, 'mv.at'), names=True)} FROM movement mv "
            "WHERE mv.asset_id IS NULL AND mv.license_id IS NULL) x GROUP BY product_id, month")


def rebuild(db: pw.Database) -> int:
    """Recompute the balances, stock-outs and monthly flows from the ledger; returns the
    stock-outs."""
    bal, outs = _replay(db)
    with db.atomic():
        Balance.delete().execute()
        StockOut.delete().execute()
        FlowMonth.delete().execute()
        rows = [dict(product=p, location=loc, quantity=q, first_in=f, out_since=o)
                for (p, loc), (q, f, o) in bal.items()]
        for i in range(0, len(rows), 500):
            Balance.insert_many(rows[i:i + 500]).execute()
        for i in range(0, len(outs), 500):
            StockOut.insert_many(outs[i:i + 500], fields=[StockOut.product, StockOut.location,
                                                          StockOut.d0, StockOut.d1]).execute()
        db.execute_sql("INSERT INTO cost_flow_month (product_id, month, net, used, "
                       f"used_value) {_flows_sql(db)}")
    return len(outs)


def differences(db: pw.Database, limit: int = 20) -> list[str]:
    """Where the balances disagree with the stock levels (empty when they agree)."""
    rows = db.execute_sql(
        "SELECT b.product_id, b.location_id, b.quantity, COALESCE(s.quantity, 0) "
        "FROM cost_balance b LEFT JOIN stock_level s ON s.product_id = b.product_id "
        "AND s.location_id = b.location_id WHERE b.quantity <> COALESCE(s.quantity, 0) "
        "UNION ALL SELECT s.product_id, s.location_id, 0, s.quantity FROM stock_level s "
        "LEFT JOIN cost_balance b ON b.product_id = s.product_id "
        "AND b.location_id = s.location_id WHERE b.product_id IS NULL AND s.quantity <> 0"
    ).fetchall()
    return [f"product {p} at location {loc}: the stock-out table counts {q}, the stock "
            f"levels {s}" for p, loc, q, s in rows[:limit]]
