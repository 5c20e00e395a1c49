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

from dataclasses import dataclass
from datetime import date

import numpy as np
import peewee as pw

from .. import limits
from .. import models as m
from .compound import DayMoments
from .demand import float_chunks

GROUPS = {"issue": "use", "consume": "use", "check_out": "device", "ship": "partner",
          "transfer": "partner"}
_KINDS = ", ".join(f"'{k}'" for k in GROUPS)
_GROUP_SQL = ("CASE {k} WHEN 'issue' THEN 'use' WHEN 'consume' THEN 'use' "
              "WHEN 'check_out' THEN 'device' ELSE 'partner' END")
_MONTH_SQLITE = ("CAST(substr({at}, 1, 4) AS INTEGER) * 12 + CAST(substr({at}, 6, 2) AS "
                 "INTEGER) - 1")
_MONTH_PG = ("CAST(date_part('year', {at}) AS INTEGER) * 12 + CAST(date_part('month', {at}) "
             "AS INTEGER) - 1")
# A quantity beyond the domain limit is not demand (verify reports it; summing it would
# overflow the database's integers), the same rule as demand.read_demand.
_COUNTS = f"quantity BETWEEN 1 AND {limits.MAX_QUANTITY}"
# The day's total of the same kind of demand of the same item at the same place, the new
# movement included (the trigger runs after the insert); read through the (product, at)
# index: a handful of rows. Only demand counts: an adjustment or a receipt of the same item
# that day is no part of the day's demand (the ELSE of the group's CASE would call it one).
_DAY_TOTAL_SQLITE = (
    "SELECT CAST(COALESCE(SUM(quantity), 0) AS REAL) AS t FROM movement "
    "WHERE product_id = new.product_id AND from_location_id = new.from_location_id "
    f"AND at >= date(new.at) AND at < date(new.at, '+1 day') AND {_COUNTS} "
    f"AND kind IN ({_KINDS}) "
    f"AND ({_GROUP_SQL.format(k='kind')}) = ({_GROUP_SQL.format(k='new.kind')})")

TRIGGER_SQLITE = [
    "DROP TRIGGER IF EXISTS movement_demand_month",
    f"""CREATE TRIGGER movement_demand_month AFTER INSERT ON movement
       WHEN new.kind IN ({_KINDS}) AND new.from_location_id IS NOT NULL
            AND new.{_COUNTS} BEGIN
       INSERT INTO demand_month (product_id, location_id, month, grp, quantity, days, sq,
                                 cube)
       SELECT new.product_id, new.from_location_id, {_MONTH_SQLITE.format(at="new.at")},
              {_GROUP_SQL.format(k="new.kind")}, new.quantity,
              CASE WHEN day.t = new.quantity THEN 1 ELSE 0 END,
              day.t * day.t - (day.t - new.quantity) * (day.t - new.quantity),
              day.t * day.t * day.t - (day.t - new.quantity) * (day.t - new.quantity)
                                      * (day.t - new.quantity)
       FROM ({_DAY_TOTAL_SQLITE}) AS day WHERE true
       ON CONFLICT (product_id, location_id, month, grp)
       DO UPDATE SET quantity = quantity + excluded.quantity, days = days + excluded.days,
                     sq = sq + excluded.sq, cube = cube + excluded.cube; END""",
]
TRIGGER_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION movement_demand_month() RETURNS trigger AS $$
       DECLARE t DOUBLE PRECISION; q DOUBLE PRECISION;
       BEGIN
         IF NEW.kind IN ({_KINDS}) AND NEW.from_location_id IS NOT NULL
            AND NEW.{_COUNTS} THEN
           SELECT COALESCE(SUM(quantity), 0) INTO t FROM movement
            WHERE product_id = NEW.product_id AND from_location_id = NEW.from_location_id
              AND at >= date_trunc('day', NEW.at)
              AND at < date_trunc('day', NEW.at) + INTERVAL '1 day' AND {_COUNTS}
              AND kind IN ({_KINDS})
              AND ({_GROUP_SQL.format(k='kind')}) = ({_GROUP_SQL.format(k='NEW.kind')});
           q := NEW.quantity;
           INSERT INTO demand_month AS d (product_id, location_id, month, grp, quantity,
                                          days, sq, cube)
           VALUES (NEW.product_id, NEW.from_location_id, {_MONTH_PG.format(at="NEW.at")},
                   {_GROUP_SQL.format(k="NEW.kind")}, NEW.quantity,
                   CASE WHEN t = q THEN 1 ELSE 0 END, t * t - (t - q) * (t - q),
                   t * t * t - (t - q) * (t - q) * (t - q))
           ON CONFLICT (product_id, location_id, month, grp)
           DO UPDATE SET quantity = d.quantity + EXCLUDED.quantity,
                         days = d.days + EXCLUDED.days, sq = d.sq + EXCLUDED.sq,
                         cube = d.cube + EXCLUDED.cube;
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS movement_demand_month ON movement",
    """CREATE TRIGGER movement_demand_month AFTER INSERT ON movement
       FOR EACH ROW EXECUTE FUNCTION movement_demand_month()""",
]


def _is_pg(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def _from_ledger_sql(db: pw.Database) -> str:
    """Per product, location, month and kind of demand: units, days with demand and the
    sums of the day totals' squares and cubes, computed from the ledger."""
    pg = _is_pg(db)
    month = (_MONTH_PG if pg else _MONTH_SQLITE).format(at="at")
    day = "CAST(at AS DATE)" if pg else "date(at)"
    return (f"SELECT product_id, from_location_id, month, grp, SUM(t), COUNT(*), "
            "SUM(t * t), SUM(t * t * t) FROM ("
            f"SELECT product_id, from_location_id, {month} AS month, "
            f"{_GROUP_SQL.format(k='kind')} AS grp, {day} AS d, "
            "CAST(SUM(quantity) AS DOUBLE PRECISION) AS t FROM movement "
            f"WHERE kind IN ({_KINDS}) AND from_location_id IS NOT NULL AND {_COUNTS} "
            "GROUP BY 1, 2, 3, 4, 5) AS days GROUP BY 1, 2, 3, 4")


def install(db: pw.Database) -> None:
    """Create the table and its trigger, and fill it from the ledger (a migration)."""
    db.create_tables([m.DemandMonth], safe=True)
    install_trigger(db)
    rebuild(db)


def install_trigger(db: pw.Database) -> None:
    """(Re)create the trigger that keeps the table with the ledger."""
    for sql in (TRIGGER_POSTGRES if _is_pg(db) else TRIGGER_SQLITE):
        db.execute_sql(sql)


def rebuild(db: pw.Database) -> int:
    """Recompute the table from the ledger; returns its number of rows."""
    _WINDOWS.clear()
    with db.atomic():
        m.DemandMonth.delete().execute()
        db.execute_sql("INSERT INTO demand_month (product_id, location_id, month, grp, "
                       f"quantity, days, sq, cube) {_from_ledger_sql(db)}")
        return m.DemandMonth.select().count()


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def differences(db: pw.Database, limit: int = 20) -> list[str]:
    """Where the table and the ledger disagree (empty when they agree)."""
    want = {(p, loc, mo, g): (int(q), int(n), float(s2), float(s3))
            for p, loc, mo, g, q, n, s2, s3 in db.execute_sql(_from_ledger_sql(db)).fetchall()}
    d = m.DemandMonth
    have = {(p, loc, mo, g): (int(q), int(n or 0), float(s2 or 0), float(s3 or 0))
            for p, loc, mo, g, q, n, s2, s3 in
            d.select(d.product, d.location, d.month, d.grp, d.quantity, d.days, d.sq,
                     d.cube).tuples() if q}
    out = []
    none = (0, 0, 0.0, 0.0)
    for key in sorted(set(want) | set(have)):
        a, b = want.get(key, none), have.get(key, none)
        if a[:2] != b[:2] or not (_close(a[2], b[2]) and _close(a[3], b[3])):
            p, loc, mo, g = key
            what = (f"ledger says {a[0]}, demand table says {b[0]}" if a[0] != b[0] else
                    f"ledger says {a[1]} days with demand, demand table says {b[1]}"
                    if a[1] != b[1] else "the day totals' sums of squares differ")
            out.append(f"demand of product {p} at location {loc} in {mo // 12}-"
                       f"{mo % 12 + 1:02d} ({g}): {what}")
            if len(out) >= limit:
                break
    return out


def month_number(d: date) -> int:
    """The month of `d` as `DemandMonth.month` counts it (year * 12 + month - 1)."""
    return d.year * 12 + d.month - 1


@dataclass
class DemandWindow:
    """What the reorder list needs of the demand history, read from the table: per
    (product, location) key, demand per month (oldest first) and the moments of its days
    with demand over the window. ``mixed`` marks the rows where two kinds of demand both
    count: their day totals span kinds, which the table keeps apart, so their moments
    must come from the ledger (:meth:`DemandRows.moments`)."""

    keys: list[tuple[int, int]]
    monthly: np.ndarray
    moments: DayMoments
    mixed: np.ndarray


# The windows read in this process, by database and selection, with the fingerprint of the
# table's rows they were read from: a recompute whose fingerprint is unchanged (the demand
# of complete months has not moved: a scan lands in the current month) reads one row.
_WINDOWS: dict[tuple, tuple[tuple, DemandWindow]] = {}
_KEEP_WINDOWS = 4


def _fingerprint(db: pw.Database, first: int, end: int) -> tuple:
    """Counts and sums of the table's rows in months [first, end): anything the trigger
    adds or changes there raises the quantity sum (demand is at least 1). A rebuild in
    this process forgets the windows read; a table changed by hand is verify's to find."""
    p = db.param
    cur = db.execute_sql(
        "SELECT COUNT(*), COALESCE(SUM(quantity), 0), COALESCE(SUM(days), 0), "
        f"COALESCE(SUM(sq), 0) FROM demand_month WHERE month >= {p} AND month < {p}",
        (first, end))
    return tuple(cur.fetchone())


def window(db: pw.Database, today: date, partners: list[int], spare_devices: list[int],
           months: int = 24, days: int | None = None) -> DemandWindow:
    """Demand over the `months` complete months before `today`'s month (`days` long), read
    from the table, not the ledger; read again only when the table's rows of those months
    changed (see :func:`_fingerprint`)."""
    end = month_number(today.replace(day=1))
    first = end - months
    width = days if days is not None else months * 31
    key = (type(db).__name__, str(db.database), first, end, width, tuple(sorted(partners)),
           tuple(sorted(spare_devices)))
    mark = _fingerprint(db, first, end)
    hit = _WINDOWS.get(key)
    if hit is not None and hit[0] == mark:
        return hit[1]
    got = _read_window(db, first, end, months, width, partners, spare_devices)
    for a in (got.monthly, got.mixed, got.moments.count, got.moments.total,
              got.moments.square, got.moments.cube):
        a.flags.writeable = False  # shared by every list computed from it
    while len(_WINDOWS) >= _KEEP_WINDOWS:
        _WINDOWS.pop(next(iter(_WINDOWS)))
    _WINDOWS[key] = (mark, got)
    return got


def _read_window(db: pw.Database, first: int, end: int, months: int, width: int,
                 partners: list[int], spare_devices: list[int]) -> DemandWindow:
    d = m.DemandMonth
    kinds = d.grp == "use"
    if spare_devices:
        kinds |= (d.grp == "device") & d.product.in_(spare_devices)
    if partners:
        kinds |= (d.grp == "partner") & d.location.in_(partners)
    # No GROUP BY: each row is one month of one kind of demand; a cell with two kinds is
    # summed by np.add.at below.
    query = (d.select(d.product, d.location, d.month - first, d.quantity, d.days, d.sq,
                      d.cube, pw.Case(d.grp, (("device", 1), ("partner", 2)), 0))
             .where(kinds & (d.month >= first) & (d.month < end)))
    chunks = list(float_chunks(db.execute(query)))  # (the UI thread gets the GIL between)
    if not chunks:
        none = np.zeros(0)
        return DemandWindow([], np.zeros((0, months)), DayMoments(none, none, none, none,
                                                                  width), np.zeros(0, bool))
    data = np.concatenate(chunks)
    ids = data[:, :2].astype(np.int64)
    codes, row = np.unique(ids[:, 0] * (1 << 32) + ids[:, 1], return_inverse=True)
    row = row.ravel()
    n = len(codes)
    out = np.zeros((n, months))
    np.add.at(out, (row, data[:, 2].astype(np.int64)), data[:, 3])
    count, total, square, cube = (np.bincount(row, data[:, c], minlength=n)
                                  for c in (4, 3, 5, 6))
    seen = np.zeros(n, np.int64)
    np.bitwise_or.at(seen, row, 1 << data[:, 7].astype(np.int64))
    mixed = (seen & (seen - 1)) != 0  # more than one kind of demand
    keys = [(int(c >> 32), int(c & 0xFFFFFFFF)) for c in codes.tolist()]
    return DemandWindow(keys, out, DayMoments(count, total, square, cube, width), mixed)


def monthly(db: pw.Database, today: date, partners: list[int], spare_devices: list[int],
            months: int = 24) -> tuple[list[tuple[int, int]], np.ndarray]:
    """(product, location) keys and their demand per month over the `months` complete
    months before `today`'s month (oldest first), read from the table, not the ledger."""
    got = window(db, today, partners, spare_devices, months)
    return got.keys, got.monthly
