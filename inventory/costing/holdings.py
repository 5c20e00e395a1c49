"""Each device's states over time: a projection of the ledger kept by a trigger on
`movement` in the same transaction (like `replenishment/demand_table.py`).

A row is one stretch of a device's life: its status (and holder) from day `d0`
(inclusive) until day `d1` (exclusive; NULL while it lasts), opened by one movement. Days
are `date.toordinal()` numbers of the movement's date, so a device checked out and back
in on one day has an empty stretch (at the end of that day nobody held it). Every
movement that states an asset's status (check-out, check-in, transfer, retire, undo,
imports, the demo) closes the open stretch and opens the next. Showback and the KPIs read
these rows instead of ordering the whole ledger; `rebuild` recomputes them (the
migration), `differences` is what `verify` reports.
"""

from __future__ import annotations

import peewee as pw

from .calendar import day_sql, fmonth_sql, is_pg
from .tables import Holding

_DAY_SQLITE = "CAST(julianday(date(new.at)) - 1721424.5 AS INTEGER)"
_DAY_PG = "(CAST(NEW.at AS DATE) - DATE '0001-01-01' + 1)"
_F_SQLITE = fmonth_sql(pw.SqliteDatabase(None), "new.at")
_F_PG = fmonth_sql(pw.PostgresqlDatabase(None), "NEW.at")

TRIGGER_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS movement_cost_holding AFTER INSERT ON movement
       WHEN new.asset_id IS NOT NULL AND new.asset_status IS NOT NULL BEGIN
       UPDATE cost_holding SET d1 = {_DAY_SQLITE}, f1 = {_F_SQLITE}
        WHERE asset_id = new.asset_id AND d1 IS NULL;
       INSERT INTO cost_holding (asset_id, status, holder_id, d0, d1, f0, f1, movement_id)
       VALUES (new.asset_id, new.asset_status, new.holder_id, {_DAY_SQLITE}, NULL,
               {_F_SQLITE}, NULL, new.id);
       END""",
]
TRIGGER_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION movement_cost_holding() RETURNS trigger AS $$
       BEGIN
         IF NEW.asset_id IS NOT NULL AND NEW.asset_status IS NOT NULL THEN
           UPDATE cost_holding SET d1 = {_DAY_PG}, f1 = {_F_PG}
            WHERE asset_id = NEW.asset_id AND d1 IS NULL;
           INSERT INTO cost_holding (asset_id, status, holder_id, d0, d1, f0, f1, movement_id)
           VALUES (NEW.asset_id, NEW.asset_status, NEW.holder_id, {_DAY_PG}, NULL, {_F_PG},
                   NULL, NEW.id);
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movement_cost_holding AFTER INSERT ON movement
       FOR EACH ROW EXECUTE FUNCTION movement_cost_holding()""",
]


def _from_ledger_sql(db: pw.Database) -> str:
    day, f = day_sql(db, "at"), fmonth_sql(db, "at")
    return f"""
      SELECT asset_id, asset_status, holder_id, {day} AS d0,
             LEAD({day}) OVER (PARTITION BY asset_id ORDER BY id) AS d1, {f} AS f0,
             LEAD({f}) OVER (PARTITION BY asset_id ORDER BY id) AS f1, id
      FROM movement WHERE asset_id IS NOT NULL AND asset_status IS NOT NULL"""


def install(db: pw.Database) -> None:
    """Create the table and its trigger, and fill it from the ledger (a migration)."""
    db.create_tables([Holding], safe=True)
    if is_pg(db):
        db.execute_sql("DROP TRIGGER IF EXISTS movement_cost_holding ON movement")
    for sql in (TRIGGER_POSTGRES if is_pg(db) else TRIGGER_SQLITE):
        db.execute_sql(sql)
    rebuild(db)


def rebuild(db: pw.Database) -> int:
    """Recompute the holdings from the ledger; returns how many there are."""
    with db.atomic():
        Holding.delete().execute()
        db.execute_sql("INSERT INTO cost_holding (asset_id, status, holder_id, d0, d1, f0, "
                       "f1, movement_id) "
                       + _from_ledger_sql(db))
        return Holding.select().count()


def differences(db: pw.Database, limit: int = 20) -> list[str]:
    """Where the holdings and the ledger disagree (empty when they agree)."""
    want = {r[:5] + r[7:] for r in db.execute_sql(_from_ledger_sql(db)).fetchall()}
    have = set(Holding.select(Holding.asset, Holding.status, Holding.holder, Holding.d0,
                              Holding.d1, Holding.movement).tuples())
    out = [f"device {a}: the ledger has it {s} from movement {mv} that the holdings table "
           "lacks" for a, s, _h, _d0, _d1, mv in sorted(want - have, key=str)]
    out += [f"device {a}: the holdings table has it {s} from movement {mv} that the ledger "
            "does not show" for a, s, _h, _d0, _d1, mv in sorted(have - want, key=str)]
    return out[:limit]
