"""Spares and consumables issued, per month × cost centre × category: a projection of the
ledger kept by a trigger on `movement` in the same transaction (like `holdings.py`), so
showback of a month or of a year to date reads a few hundred rows instead of every issue.

Each issue adds its quantity and value (quantity × the unit cost then, else the
product's) to the cost centre in force at the moment of the issue (`centres.py`); a
return subtracts them; a consumption at a location goes to IT stock. The rate card's
mark-up is applied when the rows are read (it may change after the issue). `rebuild`
recomputes the rows from the ledger (the migration), `differences` is what `verify`
reports.
"""

from __future__ import annotations

import peewee as pw

from .calendar import is_pg, month_sql
from .centres import issued_to_sql
from .tables import SpendMonth

KINDS = "('issue', 'return', 'consume')"


def _values(new: str, db: pw.Database, names: bool = False) -> str:
    sign = f"CASE WHEN {new}.kind = 'return' THEN -1 ELSE 1 END"
    values: tuple[str, ...] = (
        month_sql(db, f"{new}.at"),
        issued_to_sql(f"{new}.kind", f"{new}.person_id", f"{new}.at"),
        f"COALESCE((SELECT LOWER(category) FROM product WHERE id = {new}.product_id), '')",
        f"{sign} * {new}.quantity",
        f"{sign} * {new}.quantity * COALESCE({new}.unit_cost, (SELECT unit_cost FROM product "
        f"WHERE id = {new}.product_id))")
    if names:
        values = tuple(f"{v} AS {n}" for v, n in zip(values, ("m", "cc", "cat", "q", "v"),
                                                       strict=True))
    return ", ".join(values)


_COLUMNS = "cost_spend_month (month, cost_centre, category, quantity, value)"
_UPSERT = ("ON CONFLICT (month, cost_centre, category) DO UPDATE SET "
           "quantity = {t}.quantity + excluded.quantity, value = {t}.value + excluded.value")

TRIGGER_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS movement_cost_spend AFTER INSERT ON movement
       WHEN new.asset_id IS NULL AND new.kind IN {KINDS} BEGIN
       INSERT INTO {_COLUMNS} SELECT {_values("new", pw.SqliteDatabase(None))}
       WHERE true {_UPSERT.format(t="cost_spend_month")};
       END""",
]
TRIGGER_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION movement_cost_spend() RETURNS trigger AS $$
       BEGIN
         IF NEW.asset_id IS NULL AND NEW.kind IN {KINDS} THEN
           INSERT INTO {_COLUMNS.replace("cost_spend_month", "cost_spend_month AS s")}
           VALUES ({_values("NEW", pw.PostgresqlDatabase(None))}) {_UPSERT.format(t="s")};
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movement_cost_spend AFTER INSERT ON movement
       FOR EACH ROW EXECUTE FUNCTION movement_cost_spend()""",
]


def _from_ledger_sql(db: pw.Database) -> str:
    return (f"SELECT m, cc, cat, SUM(q), SUM(v) FROM (SELECT {_values('mv', db, names=True)} "
            f"FROM movement mv WHERE mv.asset_id IS NULL AND mv.kind IN {KINDS}) "
            "x GROUP BY m, cc, cat")


def install(db: pw.Database) -> None:
    """Create the table and its trigger, and fill it from the ledger (a migration)."""
    db.create_tables([SpendMonth], safe=True)
    if is_pg(db):
        db.execute_sql("DROP TRIGGER IF EXISTS movement_cost_spend ON movement")
    for sql in (TRIGGER_POSTGRES if is_pg(db) else TRIGGER_SQLITE):
        db.execute_sql(sql)
    rebuild(db)


def rebuild(db: pw.Database) -> int:
    """Recompute the rows from the ledger; returns how many there are."""
    with db.atomic():
        SpendMonth.delete().execute()
        db.execute_sql(f"INSERT INTO {_COLUMNS} {_from_ledger_sql(db)}")
        return SpendMonth.select().count()


def differences(db: pw.Database, limit: int = 20) -> list[str]:
    """Where the monthly spend and the ledger's issues disagree, per month and cost centre
    (empty when they agree; a product moved to another category since keeps its issues
    where they were)."""
    def totals(rows) -> dict[tuple[int, str], tuple[int, float]]:
        out: dict[tuple[int, str], tuple[int, float]] = {}
        for mi, cc, _cat, q, v in rows:
            q0, v0 = out.get((mi, cc), (0, 0.0))
            out[(mi, cc)] = (q0 + int(q), v0 + float(v or 0))
        return out

    want = totals(db.execute_sql(_from_ledger_sql(db)).fetchall())
    have = totals(SpendMonth.select(SpendMonth.month, SpendMonth.cost_centre,
                                    SpendMonth.category, SpendMonth.quantity,
                                    SpendMonth.value).tuples())
    out = []
    for key in sorted(set(want) | set(have), key=str):
        w, h = want.get(key, (0, 0.0)), have.get(key, (0, 0.0))
        if w[0] != h[0] or abs(w[1] - h[1]) > 0.005:
            mi, cc = key
            out.append(f"spares to {cc} in {mi // 12}-{mi % 12 + 1:02d}: the ledger has "
                       f"{w[0]} worth {w[1]:.2f}, the monthly spend table {h[0]} worth "
                       f"{h[1]:.2f}")
    return out[:limit]
